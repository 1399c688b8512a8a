use super::*;

#[test]
fn trims_blank_lines_around_a_range() {
    let text = "h\n\n  \n1. a  \r\n\n2. b\n\n\t\nnext";
    let r = trim_blank_lines(text, 2..text.len() - 4);
    assert_eq!(&text[r], "1. a  \r\n\n2. b");
    assert_eq!(trim_blank_lines("\n\n", 0..2), 0..0);
}

#[test]
fn line_of_counts_from_one() {
    assert_eq!(line_of("a\nb\nc", 0), 1);
    assert_eq!(line_of("a\nb\nc", 2), 2);
    assert_eq!(line_of("a\nb\nc", 99), 3);
}
