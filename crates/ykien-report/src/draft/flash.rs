//! The flash report (báo cáo nhanh) on one case: what happened, where and when, how many
//! reports, what people say (masked), what has been done (the case's status and history),
//! and what is proposed. Collaborators send quick reports "khi có vấn đề"; this is the
//! unit's quick report upward on the matter they raised.
use chrono::{Duration, NaiveDate, Utc};
use ykien_core::Actor;
use ykien_docs::{Block, Document, Run, Section};
use ykien_store::{Severity, Store, TimelineEvent};

use super::evidence::{self, clean, quote, representative};
use super::words::{Lang, words};
use super::{Fmt, fill, header, issuer, para, system_actor, text};
use crate::ReportError;
use crate::period::{Period, local_day, local_midnight};

fn org_name(m: &ykien_store::MemberOrg, lang: Lang) -> String {
    match lang {
        Lang::Vi => m.name_vi.clone(),
        Lang::En => m.name_en.clone(),
    }
}

/// Quotes printed in a flash report.
const FLASH_QUOTES: usize = 5;

/// [`draft_flash_on`] dated today (Hà Nội).
pub async fn draft_flash(
    store: &Store,
    actor: Option<&Actor>,
    case_id: i64,
    lang: Lang,
) -> Result<(Document, Period), ReportError> {
    draft_flash_on(store, actor, case_id, lang, local_day(Utc::now())).await
}

/// The flash report on case `case_id` as `actor` may see it (None: the system), dated
/// `today`, and the period it covers: from the day the first of its items was heard (or the
/// case was opened, if earlier) to `today`, both included. A case outside the actor's
/// subtree: `Store(NotFound)`.
pub async fn draft_flash_on(
    store: &Store,
    actor: Option<&Actor>,
    case_id: i64,
    lang: Lang,
    today: NaiveDate,
) -> Result<(Document, Period), ReportError> {
    let w = words(lang);
    let f = Fmt { lang, w };
    let view = store.case_view(actor, case_id).await?;
    let case = &view.detail.case;
    let me = actor.cloned().unwrap_or_else(system_actor);
    let unit = store.unit(&me, &case.unit).await?;
    let items = &view.items;

    let opened = local_day(case.created_at);
    let (first, last) = super::span_of(items).unwrap_or((opened, opened));
    let start = first.min(opened);
    let end = today.max(last).max(start);
    let period = Period {
        kind: ykien_store::ReportKind::Flash,
        from: local_midnight(start),
        to: local_midnight(end + Duration::days(1)),
    };
    let case_href = format!("/cases/{}", case.id);

    // 1. What happened.
    let severity = match case.severity {
        Severity::Urgent => w.severity_urgent,
        Severity::Normal => w.severity_normal,
    };
    let mut s1 = vec![para(fill(
        &w.f1_what
            .replace("{title}", &clean(&case.title))
            .replace("{severity}", severity)
            .replace("{unit}", &unit.name)
            .replace("{opened}", &f.day(opened))
            .replace("{first}", &f.day(first))
            .replace("{last}", &f.day(last)),
        &[(
            "n",
            Run::link(f.ops(view.detail.items.len() as u64), case_href.clone()),
        )],
    ))];
    let mut places: Vec<(String, usize)> = Vec::new();
    for it in items {
        match places.iter_mut().find(|(n, _)| n == &it.unit_name) {
            Some(p) => p.1 += 1,
            None => places.push((it.unit_name.clone(), 1)),
        }
    }
    for (l, n) in evidence::localities(items.iter(), 5) {
        if !places.iter().any(|(p, _)| p == &l) {
            places.push((l, n));
        }
    }
    if !places.is_empty() {
        s1.push(text(
            w.f1_where.replace(
                "{list}",
                &places
                    .iter()
                    .map(|(p, n)| format!("{p} ({})", f.ops(*n as u64)))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        ));
    }

    // 2. What people say.
    let mut s2: Vec<Block> = representative(items.iter(), FLASH_QUOTES)
        .into_iter()
        .map(|it| {
            let q = quote(it, w);
            Block::Quote {
                text: q.text,
                attribution: q.attribution,
                href: Some(q.href),
            }
        })
        .collect();
    if s2.is_empty() {
        s2.push(text(w.f2_none));
    }

    // 3. What has been done.
    let status = w.status(case.status.as_str());
    let mut s3 = vec![text(
        w.f3_status
            .replace("{status}", &status)
            .replace("{due}", &f.day(local_day(case.due_at)))
            .replace("{overdue}", if case.overdue { w.overdue_mark } else { "" }),
    )];
    if let Some(fw) = &view.forwarded {
        let to = fw
            .unit_name
            .clone()
            .or_else(|| fw.member_org.as_ref().map(|m| org_name(m, lang)))
            .unwrap_or_else(|| fw.to.clone());
        let reference = fw
            .reference
            .as_deref()
            .map(|r| format!(" ({})", clean(r)))
            .unwrap_or_default();
        s3.push(text(
            w.f3_forwarded
                .replace("{to}", &clean(&to))
                .replace("{reference}", &reference),
        ));
    }
    // Officers' own notes stay inside: only the steps and the answers received go out.
    let entries: Vec<Vec<Run>> = view
        .timeline
        .iter()
        .filter(|e| !matches!(e.event, TimelineEvent::Comment { reply: false, .. }))
        .map(|e| {
            let what = match &e.event {
                TimelineEvent::Opened { .. } => w.ev_opened.to_string(),
                TimelineEvent::Step {
                    forwarded: Some(fw),
                    ..
                } => w.ev_forward.replace(
                    "{to}",
                    &clean(
                        &fw.unit_name
                            .clone()
                            .or_else(|| fw.member_org.as_ref().map(|m| org_name(m, lang)))
                            .unwrap_or_else(|| fw.to.clone()),
                    ),
                ),
                TimelineEvent::Step { to, step, .. } => w.ev_step.replace(
                    "{to}",
                    &to.map(|s| w.status(s.as_str()))
                        .unwrap_or_else(|| step.clone()),
                ),
                TimelineEvent::Assigned { to } => {
                    w.ev_assigned.replace("{to}", to.as_deref().unwrap_or("—"))
                }
                TimelineEvent::Comment { body, reply } => {
                    (if *reply { w.ev_reply } else { w.ev_comment })
                        .replace("{body}", &evidence::excerpt(&clean(body), 300))
                }
                TimelineEvent::ItemsAdded { items } => {
                    w.ev_items.replace("{n}", &f.ops(items.len() as u64))
                }
                TimelineEvent::MergedIn { from, .. } => {
                    w.ev_merged_in.replace("{id}", &from.to_string())
                }
                TimelineEvent::MergedInto { into } => {
                    w.ev_merged_into.replace("{id}", &into.to_string())
                }
                TimelineEvent::SplitOff { into, items } => w
                    .ev_split
                    .replace("{n}", &f.ops(items.len() as u64))
                    .replace("{id}", &into.to_string()),
                TimelineEvent::Other { action } => w.ev_other.replace("{action}", action),
            };
            vec![Run::plain(format!(
                "{}: {what}",
                (e.at + Duration::hours(7)).format("%d/%m/%Y %H:%M")
            ))]
        })
        .collect();
    if !entries.is_empty() {
        s3.push(Block::List { entries });
    }

    // 4. Proposals.
    let props = evidence::proposals(items, 6);
    let s4: Vec<Block> = if props.is_empty() {
        vec![text(w.f4_default)]
    } else {
        vec![Block::List {
            entries: props
                .iter()
                .map(|p| {
                    vec![
                        Run::plain(p.text.clone()),
                        Run::link(
                            w.s5_proposal.replace("{n}", &f.ops(p.count as u64)),
                            format!("/items/{}", p.item),
                        ),
                    ]
                })
                .collect(),
        }]
    };

    let issuer = issuer(store, &unit).await?;
    let section = |heading: &str, blocks: Vec<Block>| Section {
        heading: heading.to_string(),
        blocks,
        subsections: Vec::new(),
    };
    let doc = Document {
        header: header::header(&issuer, today, lang),
        kind_title: w.kind_title_flash.to_string(),
        summary: w.summary_flash.replace("{title}", &clean(&case.title)),
        preamble: Vec::new(),
        sections: vec![
            section(w.f1, s1),
            section(w.f2, s2),
            section(w.f3, s3),
            section(w.f4, s4),
        ],
        recipients: header::recipients(&issuer, lang),
        signature: header::signature("", lang),
        footnote: w
            .flash_footnote
            .replace("{today}", &f.day(today))
            .replace("{id}", &case.id.to_string())
            .replace("{n}", &f.ops(view.detail.items.len() as u64)),
    };
    Ok((doc, period))
}
