//! The live-reload channel: server-sent events to every open page, and the
//! small script (injected only into pages that `serve` serves) that reloads
//! the page, swaps a changed stylesheet, or shows build errors in an overlay.

use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::diagnostics::Diagnostic;

/// Where the browser listens, below the site's base path.
pub const EVENTS_PATH: &str = "__claimbase/events";
pub const SCRIPT_PATH: &str = "__claimbase/reload.js";

/// One message to the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A successful rebuild changed pages: reload if the page is one of
    /// them (URL paths, as `/base/claims/x/`), or any page when `None`.
    Reload(Option<Vec<String>>),
    /// Only stylesheets changed: swap them in place.
    Css,
    /// The last build failed: show these diagnostics over the page.
    Errors(String),
}

impl Message {
    pub fn errors(diagnostics: &[Diagnostic]) -> Message {
        let list: Vec<serde_json::Value> = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| {
                serde_json::json!({
                    "path": d.path, "line": d.pos.line, "col": d.pos.col,
                    "message": d.message, "help": d.help,
                })
            })
            .collect();
        Message::Errors(serde_json::to_string(&list).expect("serialisable"))
    }

    /// The message as a server-sent event.
    pub fn to_event(&self) -> String {
        match self {
            Message::Reload(pages) => format!(
                "event: reload\ndata: {}\n\n",
                serde_json::json!({ "pages": pages })
            ),
            Message::Css => "event: css\ndata: {}\n\n".to_string(),
            Message::Errors(json) => format!("event: errors\ndata: {json}\n\n"),
        }
    }
}

/// The open pages, each a channel its HTTP response reads from.
#[derive(Default)]
pub struct Reloader {
    clients: Mutex<Vec<Sender<String>>>,
    /// The errors of the last build, sent to pages that open while it is broken.
    current: Mutex<Option<Message>>,
}

impl Reloader {
    pub fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = channel();
        if let Some(m) = self.current.lock().expect("not poisoned").as_ref() {
            let _ = tx.send(m.to_event());
        }
        self.clients.lock().expect("not poisoned").push(tx);
        rx
    }

    pub fn broadcast(&self, message: Message) {
        *self.current.lock().expect("not poisoned") =
            matches!(message, Message::Errors(_)).then(|| message.clone());
        let event = message.to_event();
        self.clients
            .lock()
            .expect("not poisoned")
            .retain(|client| client.send(event.clone()).is_ok());
    }

    pub fn client_count(&self) -> usize {
        self.clients.lock().expect("not poisoned").len()
    }
}

/// The tag injected before `</body>` of every served HTML page.
pub fn script_tag(base_path: &str) -> String {
    format!(
        "<script src=\"{base_path}{SCRIPT_PATH}\" data-events=\"{base_path}{EVENTS_PATH}\"></script>"
    )
}

/// Adds the reload script to an HTML page.
pub fn inject(html: &[u8], base_path: &str) -> Vec<u8> {
    let tag = script_tag(base_path);
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

pub const SCRIPT: &str = r#"(() => {
  const me = document.currentScript;
  const events = new EventSource(me.dataset.events);
  const overlayId = "claimbase-errors";
  function hide() { document.getElementById(overlayId)?.remove(); }
  function show(errors) {
    hide();
    const box = document.createElement("div");
    box.id = overlayId;
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "background:#2b0b0b;color:#fff;font:14px/1.5 ui-monospace,monospace;padding:1rem 1.25rem;" +
      "border-top:4px solid #e5484d;box-shadow:0 -4px 16px rgba(0,0,0,.4)";
    const title = document.createElement("strong");
    title.textContent = "Build failed: " + errors.length + " error" + (errors.length === 1 ? "" : "s") +
      ". The last good version of the site is still shown.";
    box.append(title);
    const list = document.createElement("ul");
    list.style.cssText = "margin:.5rem 0 0;padding-left:1.25rem";
    for (const e of errors) {
      const item = document.createElement("li");
      item.textContent = `${e.path}:${e.line}:${e.col}: ${e.message}` + (e.help ? ` (help: ${e.help})` : "");
      list.append(item);
    }
    box.append(list);
    document.body.append(box);
  }
  events.addEventListener("reload", (e) => {
    const pages = JSON.parse(e.data).pages;
    const here = location.pathname.replace(/index\.html$/, "");
    // A page showing errors reloads on any good build.
    if (!pages || pages.includes(here) || document.getElementById(overlayId)) location.reload();
  });
  events.addEventListener("errors", (e) => show(JSON.parse(e.data)));
  events.addEventListener("css", () => {
    hide();
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("claimbase-reload", Date.now());
      link.href = url.href;
    }
  });
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_closing_body() {
        let page = inject(b"<html><body><p>x</p></body></html>", "/ai-claims/");
        let page = String::from_utf8(page).unwrap();
        assert!(
            page.ends_with(
                "reload.js\" data-events=\"/ai-claims/__claimbase/events\"></script></body></html>"
            ),
            "{page}"
        );
    }

    #[test]
    fn late_pages_learn_about_a_broken_build() {
        let reloader = Reloader::default();
        reloader.broadcast(Message::Errors("[]".into()));
        let rx = reloader.subscribe();
        assert!(rx.try_recv().unwrap().starts_with("event: errors"));
        reloader.broadcast(Message::Reload(None));
        assert!(rx.try_recv().unwrap().starts_with("event: reload"));
        let late = reloader.subscribe();
        assert!(
            late.try_recv().is_err(),
            "a good build leaves nothing to replay"
        );
    }
}
