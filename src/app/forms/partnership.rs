//! A partnership that lasts for years: its title, who is in it, when it
//! started and ended, and what it is.

use super::{Answers, Key, Refusal, Spec, date_text};
use crate::app::form::{Field, FieldKind};
use crate::app::state::State;
use crate::model::{Partnership, Record};
use crate::query::request::SaveOp;

pub fn fields(state: &State, p: &Partnership) -> Spec {
    let l = state.lang();
    let f = Field::new;
    let parties: Vec<String> = p.parties.iter().map(ToString::to_string).collect();
    (
        l.t("Edit partnership", "連携を編集"),
        vec![
            f(Key::Title, l.t("Title", "名称"), FieldKind::Text)
                .required()
                .text(&p.title),
            f(
                Key::Parties,
                l.t("Parties (comma separated)", "参加者（カンマ区切り）"),
                FieldKind::Parties,
            )
            .required()
            .text(&parties.join(", ")),
            f(Key::Started, l.t("Started", "開始日"), FieldKind::Date)
                .required()
                .text(&date_text(Some(p.started))),
            f(
                Key::Ended,
                l.t("Ended (blank: going on)", "終了日（空欄は継続中）"),
                FieldKind::Date,
            )
            .text(&date_text(p.ended)),
            f(
                Key::Description,
                l.t("What it is", "内容"),
                FieldKind::Multi,
            )
            .text(&p.description),
        ],
    )
}

pub fn changes(a: &Answers, mut p: Partnership, base: u64) -> Result<Vec<SaveOp>, Refusal> {
    let was = p.ended;
    p.title = a.text(Key::Title);
    p.parties = a.parties(Key::Parties);
    p.started = a.date(Key::Started).unwrap_or(p.started);
    p.ended = a.date(Key::Ended);
    // An end already on record is not refused again unchanged.
    if p.ended.is_some() && p.ended != was {
        a.happened(Key::Ended)?;
    }
    p.description = a.lines(Key::Description);
    p.validate().map_err(|e| a.refused(e))?;
    Ok(vec![SaveOp::Edit {
        record: Record::Partnership(p),
        base,
    }])
}
