//! `daybook new`: the note for a day, from the note set's template.

use std::path::{Component, Path, PathBuf};

use chrono::NaiveDate;

use crate::settings::Settings;
use crate::util::jail::{self, Refused};

/// Where the note of a day lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotePlace {
    /// From the repository root, with `/` (`notes/202612/1202.md`).
    pub(crate) rel: String,
    /// `root` joined with `rel`.
    pub(crate) abs: PathBuf,
}

/// Why no note was created.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub(crate) enum NewError {
    /// The day already has its note; it was not touched.
    #[error("{rel} already exists and was left as it is")]
    #[diagnostic(
        code(daybook::new::exists),
        help("add items to it with `daybook add URL`, or pick another day with --date")
    )]
    Exists { rel: String },
    /// A folder on the way, or the note's name, leads out of the repository.
    #[error("{rel} is not written: {why}")]
    #[diagnostic(
        code(daybook::new::outside),
        help("daybook writes only inside the repository; remove the symbolic link")
    )]
    Outside { rel: String, why: String },
    /// Something on the way is not a folder.
    #[error("{rel} is not written: {} is not a folder", path.display())]
    #[diagnostic(
        code(daybook::new::folder),
        help("move that file away, or change notes.root / notes.pattern in daybook.yml")
    )]
    NotAFolder { rel: String, path: PathBuf },
    /// The first note set is not one of dated items notes.
    #[error("daybook new writes dated notes of numbered items, and {0}")]
    #[diagnostic(
        code(daybook::new::set),
        help(
            "put a note set with a dated pattern such as `{{yyyy}}{{mm}}/{{mm}}{{dd}}.md` first in `notes:`"
        )
    )]
    NotWritable(String),
    #[error("the note template does not render for {date}: {message}")]
    #[diagnostic(code(daybook::new::template), help("fix `template:` in daybook.yml"))]
    Template { date: NaiveDate, message: String },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Write(#[from] crate::error::Error),
}

/// The path of `date`'s note under `notes.root`, as `notes.pattern` spells it.
pub(crate) fn note_place(root: &Path, settings: &Settings, date: NaiveDate) -> NotePlace {
    let file = settings.parse.path_pattern.format(date);
    let rel = match settings.parse.notes_root.as_str() {
        "" => file,
        r => format!("{r}/{file}"),
    };
    NotePlace { abs: root.join(&rel), rel }
}

/// The text of a new note for `date` (`\n` line breaks).
pub(crate) fn render_note(settings: &Settings, date: NaiveDate) -> Result<String, NewError> {
    crate::note::template::writable_set(&settings.parse).map_err(NewError::NotWritable)?;
    let s = &settings.config.sections;
    settings
        .note_template
        .render(date, &settings.parse, &s.today, &s.footer)
        .map_err(|e| NewError::Template { date, message: e.message })
}

/// Create `date`'s note from the template; refuses when it exists.
pub(crate) fn create_note(root: &Path, settings: &Settings, date: NaiveDate) -> Result<NotePlace, NewError> {
    let place = note_place(root, settings, date);
    let text = render_note(settings, date)?;
    write_new(root, &place, &text)?;
    Ok(place)
}

/// Write `text` as the new file `place`, making the folders on the way (only
/// inside `root`). An existing file, or a symbolic link, is never replaced.
pub(crate) fn write_new(root: &Path, place: &NotePlace, text: &str) -> Result<(), NewError> {
    if std::fs::symlink_metadata(&place.abs).is_ok() {
        return Err(NewError::Exists { rel: place.rel.clone() });
    }
    make_folders(root, place)?;
    if let Err(why) = jail::check_output(root, &place.abs) {
        return Err(NewError::Outside { rel: place.rel.clone(), why: why.to_string() });
    }
    crate::util::fs::write_atomic(&place.abs, text.as_bytes()).map_err(crate::error::Error::from)?;
    Ok(())
}

/// The folders of `place.rel`, created one by one below `root`; each one that
/// exists must resolve inside `root` (a `notes -> /tmp` link is refused).
fn make_folders(root: &Path, place: &NotePlace) -> Result<(), NewError> {
    let Some(parent) = Path::new(&place.rel).parent() else { return Ok(()) };
    let mut at = root.to_path_buf();
    for c in parent.components() {
        let Component::Normal(name) = c else { continue };
        at.push(name);
        match std::fs::symlink_metadata(&at) {
            Ok(_) => match jail::resolve_inside(root, &at) {
                Ok(resolved) if resolved.is_dir() => {}
                Ok(_) => return Err(NewError::NotAFolder { rel: place.rel.clone(), path: at }),
                Err(why @ Refused::Outside { .. }) => {
                    return Err(NewError::Outside { rel: place.rel.clone(), why: why.to_string() });
                }
                Err(Refused::Io(e)) => return Err(crate::error::Error::io(&at, "resolve", e).into()),
                Err(_) => return Err(NewError::NotAFolder { rel: place.rel.clone(), path: at }),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir(&at).map_err(|e| crate::error::Error::io(&at, "create the folder", e))?;
            }
            Err(e) => return Err(crate::error::Error::io(&at, "read", e).into()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn makes_the_folders_and_refuses_a_second_time() {
        let dir = tempfile::tempdir().unwrap();
        let s = Settings::default();
        let p = create_note(dir.path(), &s, day(2026, 12, 2)).unwrap();
        assert_eq!(p.rel, "notes/202612/1202.md");
        let text = std::fs::read_to_string(&p.abs).unwrap();
        assert!(text.starts_with("# 公众号内容拓展学习笔记（2026.12.2）\n"), "{text}");
        std::fs::write(&p.abs, "mine").unwrap();
        let err = create_note(dir.path(), &s, day(2026, 12, 2)).unwrap_err();
        assert!(matches!(err, NewError::Exists { .. }), "{err}");
        assert_eq!(std::fs::read_to_string(&p.abs).unwrap(), "mine");
    }

    #[cfg(unix)]
    #[test]
    fn a_notes_folder_linked_out_of_the_repository_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("notes")).unwrap();
        let err = create_note(dir.path(), &Settings::default(), day(2026, 12, 2)).unwrap_err();
        assert!(matches!(err, NewError::Outside { .. }), "{err}");
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "nothing was made outside");
    }

    #[test]
    fn a_file_in_the_way_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes"), "").unwrap();
        let err = create_note(dir.path(), &Settings::default(), day(2026, 12, 2)).unwrap_err();
        assert!(matches!(err, NewError::NotAFolder { .. }), "{err}");
    }
}
