//! Generate a synthetic notes repository in the seed's modern format, for
//! benchmarks and soak tests.
//!
//! ```text
//! cargo run --release --example gen_notes -- --notes 10000 --out /tmp/notes10k
//!     [--defects 50] [--url-base http://127.0.0.1:8080] [--unique-urls 2000] [--start 1999-01-01]
//! ```
//!
//! * `--notes N`        number of notes, one per consecutive day from `--start`.
//! * `--defects K`      every K-th note carries one defect, cycling through one kind
//!   per lint rule (misspelled label, missing stars, unnested field, bare URL, wrong
//!   title date, e-mail without mailto, missing image file, duplicate article, a
//!   misnamed file, an empty file, no today section, a today section without items,
//!   a repeated footer, an item without a link, an item swallowed by raw HTML, a
//!   missing/empty/link-less field, a dangling anchor, a link out of the repository,
//!   an unused suppression). 0 = clean.
//! * `--url-base URL`   article/paper/code links point at `URL/...` instead of
//!   public-looking hosts (for link-checker benchmarks against a local server).
//! * `--unique-urls U`  with `--url-base`, links cycle through `U` distinct paths.
//!
//! Output is deterministic for the same arguments (a fixed xorshift seed), and the
//! README carries daybook's markers so `daybook readme` can run on it directly.

// Test and example crates are binaries: their modules' `pub` is for each other.
#![allow(unreachable_pub)]

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use chrono::{Datelike, Duration, NaiveDate};

struct Args {
    notes: usize,
    out: PathBuf,
    defects: usize,
    url_base: Option<String>,
    unique_urls: usize,
    start: NaiveDate,
}

fn parse_args() -> Args {
    let mut a = Args {
        notes: 1000,
        out: PathBuf::from("notes-repo"),
        defects: 0,
        url_base: None,
        unique_urls: 2000,
        start: NaiveDate::from_ymd_opt(1999, 1, 1).unwrap(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--notes" => a.notes = val().parse().expect("--notes N"),
            "--out" => a.out = PathBuf::from(val()),
            "--defects" => a.defects = val().parse().expect("--defects K"),
            "--url-base" => a.url_base = Some(val().trim_end_matches('/').to_owned()),
            "--unique-urls" => a.unique_urls = val().parse().expect("--unique-urls U"),
            "--start" => a.start = val().parse().expect("--start YYYY-MM-DD"),
            "-h" | "--help" => {
                eprintln!(
                    "usage: gen_notes --notes N --out DIR [--defects K] [--url-base URL] [--unique-urls U] [--start DATE]"
                );
                std::process::exit(0);
            }
            other => panic!("unknown flag {other}"),
        }
    }
    a
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn token(&mut self, len: usize) -> String {
        const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
        (0..len).map(|_| ALPHA[self.below(ALPHA.len())] as char).collect()
    }
}

const TOPICS: &[&str] = &[
    "目标检测",
    "语义分割",
    "视觉Transformer",
    "自监督学习",
    "扩散模型",
    "多模态大模型",
    "三维重建",
    "姿态估计",
    "知识蒸馏",
    "模型压缩",
    "图神经网络",
    "强化学习",
];
const WORDS: &[&str] = &[
    "本文提出了一种新的",
    "在多个公开数据集上",
    "显著提升了",
    "推理速度",
    "训练策略",
    "注意力机制",
    "特征融合",
    "端到端",
    "轻量级网络",
    "实验表明",
    "代码已开源",
    "值得一读",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    (0..words).map(|_| WORDS[rng.below(WORDS.len())]).collect::<Vec<_>>().join("，")
}

#[derive(Clone, Copy)]
enum Defect {
    Misspelled,
    NoStars,
    Unnested,
    BareUrl,
    TitleDate,
    Email,
    MissingImage,
    Duplicate,
    BadPath,
    Empty,
    NoToday,
    EmptyToday,
    RepeatedFooter,
    NoItemLink,
    SwallowedItem,
    MissingField,
    EmptyField,
    FieldLink,
    DanglingAnchor,
    OutsideRepo,
    UnusedSuppression,
}

const DEFECTS: [Defect; 21] = [
    Defect::Misspelled,
    Defect::NoStars,
    Defect::Unnested,
    Defect::BareUrl,
    Defect::TitleDate,
    Defect::Email,
    Defect::MissingImage,
    Defect::Duplicate,
    Defect::BadPath,
    Defect::Empty,
    Defect::NoToday,
    Defect::EmptyToday,
    Defect::RepeatedFooter,
    Defect::NoItemLink,
    Defect::SwallowedItem,
    Defect::MissingField,
    Defect::EmptyField,
    Defect::FieldLink,
    Defect::DanglingAnchor,
    Defect::OutsideRepo,
    Defect::UnusedSuppression,
];

struct Gen {
    rng: Rng,
    url_base: Option<String>,
    unique: usize,
    counter: usize,
}

impl Gen {
    fn url(&mut self, kind: &str) -> String {
        match &self.url_base {
            Some(base) => {
                self.counter += 1;
                format!("{base}/{kind}/{}", self.counter % self.unique.max(1))
            }
            None => match kind {
                "article" => format!("https://mp.weixin.qq.com/s/{}", self.rng.token(22)),
                "paper" => format!(
                    "https://arxiv.org/abs/{}.{:05}",
                    2000 + self.rng.below(400),
                    self.rng.below(99999)
                ),
                "code" => format!("https://github.com/{}/{}", self.rng.token(8), self.rng.token(10)),
                _ => format!("https://mmbiz.qpic.cn/mmbiz_png/{}/640?wx_fmt=png", self.rng.token(60)),
            },
        }
    }

    fn note(&mut self, date: NaiveDate, defect: Option<Defect>, last_article: &mut String) -> String {
        let is = |d: Defect| defect.is_some_and(|x| std::mem::discriminant(&x) == std::mem::discriminant(&d));
        if is(Defect::Empty) {
            return String::new();
        }
        let mut s = String::with_capacity(6000);
        let title_date = match defect {
            Some(Defect::TitleDate) => date + Duration::days(1),
            _ => date,
        };
        let _ = write!(
            s,
            "# 公众号内容拓展学习笔记（{}.{}.{}）\n\n------\n\n\n\n## :paperclip:  {}\n\n",
            title_date.year(),
            title_date.month(),
            title_date.day(),
            if is(Defect::NoToday) { "今日要闻" } else { "今日要点" }
        );
        if is(Defect::UnusedSuppression) {
            s.push_str("<!-- daybook-disable-next-line stars -->\n");
        }
        let items = if is(Defect::EmptyToday) {
            s.push_str("今天没有整理。\n\n");
            0
        } else {
            6
        };
        for i in 1..=items {
            let topic = TOPICS[self.rng.below(TOPICS.len())];
            let article = if i == 1 && matches!(defect, Some(Defect::Duplicate)) && !last_article.is_empty() {
                last_article.clone()
            } else {
                self.url("article")
            };
            if i == 1 {
                *last_article = article.clone();
            }
            let stars = if i == 2 && matches!(defect, Some(Defect::NoStars)) {
                String::new()
            } else {
                ":star:".repeat(1 + self.rng.below(3))
            };
            if i == 2 && is(Defect::NoItemLink) {
                let _ = writeln!(s, "{i}. {topic}：{}       {stars}", sentence(&mut self.rng, 2));
            } else {
                let _ =
                    writeln!(s, "{i}. [{topic}：{}]({article})       {stars}", sentence(&mut self.rng, 2));
            }
            let label =
                if i == 3 && matches!(defect, Some(Defect::Misspelled)) { "Abstarct" } else { "Abstract" };
            if !(i == 3 && is(Defect::MissingField)) {
                let _ = writeln!(s, "   - {label}: {topic}{}", sentence(&mut self.rng, 3));
            }
            let paper = if i == 4 && matches!(defect, Some(Defect::BareUrl)) {
                format!("arxiv.org/abs/{}.{:05}", 2100, self.rng.below(99999))
            } else {
                self.url("paper")
            };
            let indent = if i == 5 && matches!(defect, Some(Defect::Unnested)) { "" } else { "   " };
            let _ = writeln!(s, "{indent}- Paper: [{} {}]({paper})", topic, self.rng.token(12));
            let code = self.url("code");
            if i == 5 && is(Defect::FieldLink) {
                let _ = writeln!(s, "   - Code: 暂未开源");
            } else {
                let _ = writeln!(s, "   - Code: [{code}]({code})");
            }
            if i == 4 && is(Defect::EmptyField) {
                let _ = writeln!(s, "   - Tips:");
            } else {
                let _ = writeln!(s, "   - Tips: {}", sentence(&mut self.rng, 12));
            }
            if i == 6 && is(Defect::DanglingAnchor) {
                let _ = writeln!(s, "   - Tips: 见 [前文](#不存在的标题)");
            }
            if i == 6 && is(Defect::OutsideRepo) {
                let _ = writeln!(s, "   - Tips: 见 [旧笔记](../../../../outside.md)");
            }
            if i == 6 && matches!(defect, Some(Defect::Email)) {
                let _ = writeln!(s, "   - Tips: 联系作者 [邮件](author@example.com)");
            }
            s.push('\n');
            let img = if i == 1 && matches!(defect, Some(Defect::MissingImage)) {
                "images/missing.png".to_owned()
            } else {
                self.url("image")
            };
            // Without a blank line after `</div>` the next item is part of the HTML block.
            let after = if i == 3 && is(Defect::SwallowedItem) { "\n" } else { "\n\n\n" };
            let _ = write!(s, "<div align=center><img src=\"{img}\" style='zoom:100%'>\n</div>{after}");
        }
        s.push_str("## :paperclip:  Others\n\n- 星标的数量是与个人相关程度，不代表文章内容的好坏\n- 关注我的公众号\n");
        if is(Defect::RepeatedFooter) {
            s.push_str("\n## :paperclip:  Others\n\n- 又一次\n");
        }
        s
    }
}

fn main() {
    let args = parse_args();
    let notes_dir = args.out.join("notes");
    fs::create_dir_all(&notes_dir).expect("create output folder");
    let mut g = Gen {
        rng: Rng(0x9E37_79B9_7F4A_7C15),
        url_base: args.url_base.clone(),
        unique: args.unique_urls,
        counter: 0,
    };
    let mut last_article = String::new();
    let mut bytes = 0usize;
    let mut date = args.start;
    for n in 0..args.notes {
        let defect = (args.defects > 0 && n % args.defects == args.defects - 1)
            .then(|| DEFECTS[(n / args.defects) % DEFECTS.len()]);
        let text = g.note(date, defect, &mut last_article);
        let dir = notes_dir.join(format!("{:04}{:02}", date.year(), date.month()));
        fs::create_dir_all(&dir).expect("create month folder");
        // The seed's own typo: `05010.md` for `0510.md`.
        let name = if matches!(defect, Some(Defect::BadPath)) {
            format!("{:02}0{:02}.md", date.month(), date.day())
        } else {
            format!("{:02}{:02}.md", date.month(), date.day())
        };
        fs::write(dir.join(name), &text).expect("write note");
        bytes += text.len();
        date += Duration::days(1);
    }
    let readme = "# synthetic notes\n\n<!-- daybook:updated -->\n<!-- /daybook:updated -->\n\n------\n\n\
                  ## :paperclip:  今日要点\n\n<!-- daybook:today -->\n<!-- /daybook:today -->\n\n\
                  ## :paperclip:  历史更新\n\n<!-- daybook:history -->\n<!-- /daybook:history -->\n";
    fs::write(args.out.join("README.md"), readme).expect("write README");
    eprintln!(
        "wrote {} notes ({:.1} MB, {:.1} KB/note) to {}",
        args.notes,
        bytes as f64 / 1e6,
        bytes as f64 / 1e3 / args.notes.max(1) as f64,
        args.out.display()
    );
}
