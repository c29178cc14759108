//! The speakers, sources and topics: each kind's list and each one's page.

use super::*;

impl PageBuilder<'_> {
    pub(super) fn speakers(&self) -> Result<OutputFile, Diagnostic> {
        // In a site of several languages each lists them by the names it
        // shows, which differ between languages; a site of one language
        // keeps the order of ids it always had.
        let mut speakers: Vec<_> = self.views.speakers.iter().collect();
        if self.config.is_multilingual() {
            crate::render::i18n::sort_by_name(&mut speakers, &self.config.language, |s| &s.name);
        }
        let mut cx = Context::new();
        cx.insert("speakers", &speakers);
        let meta = self.meta(
            self.t("speakers").into(),
            "speakers/".into(),
            "speakers",
            String::new(),
            vec![],
        );
        self.page("speakers.html", "speakers/index.html".into(), meta, cx)
    }

    pub(super) fn speaker(&self, i: usize) -> Vec<Result<OutputFile, Diagnostic>> {
        let g = self.graph;
        let speaker = &g.speakers[i];
        let claims = &g.by_speaker[i];
        #[derive(Serialize, Default)]
        struct Record {
            total: usize,
            open: usize,
            confirmed: usize,
            refuted: usize,
            mixed: usize,
            unverifiable: usize,
            overdue: usize,
        }
        let mut record = Record::default();
        let mut predictions = Vec::new();
        for &c in claims {
            let claim = &g.claims[c];
            if claim.kind != "prediction" {
                continue;
            }
            predictions.push(c);
            record.total += 1;
            match claim.status {
                "open" => record.open += 1,
                "confirmed" => record.confirmed += 1,
                "refuted" => record.refuted += 1,
                "mixed" => record.mixed += 1,
                _ => record.unverifiable += 1,
            }
            if self.views.claims[c].overdue {
                record.overdue += 1;
            }
        }
        let members: Vec<&SpeakerSummary> = g.members[i]
            .iter()
            .map(|&k| &self.views.speakers[k])
            .collect();
        let mut cx = Context::new();
        cx.insert("speaker", &self.views.speakers[i]);
        cx.insert(
            "body",
            &self
                .view_cx
                .body_html(&speaker.body, self.config.unsafe_html),
        );
        cx.insert(
            "mentioned_in",
            &self.view_cx.mentioned_in(FileKind::Speaker, &speaker.id),
        );
        cx.insert_value("predictions", self.claim_list(&predictions));
        cx.insert("record", &record);
        cx.insert("members", &members);
        let meta = self.meta(
            speaker.name.clone(),
            speaker_path(&speaker.id),
            "speakers",
            speaker.role.clone().unwrap_or_default(),
            vec![(self.t("speakers").into(), "speakers/".into())],
        );
        let jsonld = crate::render::structured::speaker_page(
            &self.views.speakers[i],
            &self.absolute(&meta.url),
            &|u| self.absolute(u),
        );
        let meta = PageMeta {
            jsonld: crate::render::structured::to_script_json(&jsonld),
            feed: Some(format!(
                "{}{}feed.xml",
                self.base(),
                speaker_path(&speaker.id)
            )),
            ..meta
        };
        self.paged(
            "speaker.html",
            &speaker_path(&speaker.id),
            meta,
            cx,
            claims,
            &|_, _, _| {},
        )
    }

    pub(super) fn sources(&self) -> Result<OutputFile, Diagnostic> {
        let mut cx = Context::new();
        cx.insert("sources", &self.views.sources);
        let meta = self.meta(
            self.t("sources").into(),
            "sources/".into(),
            "sources",
            String::new(),
            vec![],
        );
        self.page("sources.html", "sources/index.html".into(), meta, cx)
    }

    pub(super) fn source(&self, i: usize) -> Vec<Result<OutputFile, Diagnostic>> {
        let source = &self.graph.sources[i];
        let mut cx = Context::new();
        cx.insert("source", &self.views.sources[i]);
        cx.insert(
            "body",
            &self
                .view_cx
                .body_html(&source.body, self.config.unsafe_html),
        );
        cx.insert(
            "mentioned_in",
            &self.view_cx.mentioned_in(FileKind::Source, &source.id),
        );
        // The text page is made only where the site publishes archives.
        if self.config.archive_publish != crate::config::ArchivePublish::None
            && self.graph.archives.contains_key(&source.id)
        {
            let path = crate::render::archive::source_text_path(&source.id);
            cx.insert("text_url", &format!("{}{path}", self.base()));
        }

        let meta = self.meta(
            source.title.clone(),
            source_path(&source.id),
            "sources",
            source.outlet.clone().unwrap_or_default(),
            vec![(self.t("sources").into(), "sources/".into())],
        );
        self.paged(
            "source.html",
            &source_path(&source.id),
            meta,
            cx,
            &self.graph.by_source[i],
            &|_, _, _| {},
        )
    }

    pub(super) fn topics(&self) -> Result<OutputFile, Diagnostic> {
        let mut cx = Context::new();
        cx.insert("topics", &self.views.topics);
        let meta = self.meta(
            self.t("topics").into(),
            "topics/".into(),
            "topics",
            String::new(),
            vec![],
        );
        self.page("topics.html", "topics/index.html".into(), meta, cx)
    }

    pub(super) fn topic(&self, i: usize) -> Vec<Result<OutputFile, Diagnostic>> {
        let g = self.graph;
        let topic = &g.topics[i];
        let claims = &g.by_topic[i];
        // Positions: every contradiction that involves a claim of this topic,
        // once, the older claim on the left; and the same grouped into
        // disputes with two sides.
        #[derive(Serialize)]
        struct Position {
            left: Value,
            right: Value,
        }
        #[derive(Serialize)]
        struct Dispute {
            left: Value,
            right: Value,
            /// Who speaks on each side, to label the sides in words.
            left_speakers: Vec<Ref>,
            right_speakers: Vec<Ref>,
        }
        let speakers_of = |side: &[usize]| {
            let mut ids: Vec<&str> = Vec::new();
            for &c in side {
                for s in &g.claims[c].speakers {
                    if !ids.contains(&s.value.as_str()) {
                        ids.push(&s.value);
                    }
                }
            }
            ids.into_iter()
                .map(|id| self.view_cx.speaker_ref(id))
                .collect::<Vec<_>>()
        };
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for &c in claims {
            for &other in g.links[c]
                .contradicts
                .iter()
                .chain(&g.links[c].contradicted_by)
            {
                pairs.push((c.min(other), c.max(other)));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let positions: Vec<Position> = pairs
            .iter()
            .map(|&(a, b)| Position {
                left: self.items[a].clone(),
                right: self.items[b].clone(),
            })
            .collect();
        let disputes: Vec<Dispute> = crate::render::disputes::group_disputes(&pairs)
            .iter()
            .map(|d| Dispute {
                left: self.claim_list(&d.left),
                right: self.claim_list(&d.right),
                left_speakers: speakers_of(&d.left),
                right_speakers: speakers_of(&d.right),
            })
            .collect();
        #[derive(Serialize)]
        struct KindGroup {
            kind: &'static str,
            label: &'static str,
            claims: Value,
        }
        // A page's claims by kind; the disputes stay whole on the first.
        let fill = |cx: &mut Context, n: usize, here: &[usize]| {
            let by_kind: Vec<KindGroup> = crate::parse::claim::CLAIM_KINDS
                .iter()
                .filter_map(|kind| {
                    let list: Vec<usize> = here
                        .iter()
                        .copied()
                        .filter(|&c| g.claims[c].kind == *kind)
                        .collect();
                    (!list.is_empty()).then(|| KindGroup {
                        kind,
                        label: self.view_cx.kind_label(kind),
                        claims: self.claim_list(&list),
                    })
                })
                .collect();
            cx.insert("by_kind", &by_kind);
            if n > 1 {
                cx.insert("positions", &Vec::<Position>::new());
                cx.insert("disputes", &Vec::<Dispute>::new());
            }
        };
        let mut cx = Context::new();
        cx.insert("topic", &self.views.topics[i]);
        cx.insert(
            "body",
            &self.view_cx.body_html(&topic.body, self.config.unsafe_html),
        );
        cx.insert(
            "mentioned_in",
            &self.view_cx.mentioned_in(FileKind::Topic, &topic.id),
        );
        cx.insert("positions", &positions);
        cx.insert("disputes", &disputes);
        let meta = self.meta(
            topic.title.clone(),
            topic_path(&topic.id),
            "topics",
            topic.question.clone().unwrap_or_default(),
            vec![(self.t("topics").into(), "topics/".into())],
        );
        let meta = PageMeta {
            feed: Some(format!("{}{}feed.xml", self.base(), topic_path(&topic.id))),
            ..meta
        };
        self.paged(
            "topic.html",
            &topic_path(&topic.id),
            meta,
            cx,
            claims,
            &fill,
        )
    }
}
