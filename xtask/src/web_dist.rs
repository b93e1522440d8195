//! Finishing the web build in `web/dist`: the pages module and its stylesheet get names that
//! carry their content hash (so an open tab with an older shell never loads a newer pages
//! module), and `index.html` gets a Content-Security-Policy that allows its inline script and
//! style by their hashes, with no `'unsafe-inline'`. Both stylesheets are minified (comments
//! and spaces out), which Trunk does not do for an inlined one.

use std::path::Path;

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// The policy; `{scripts}` and `{styles}` take the inline hashes. Images may come from the
/// TikTok accounts' avatar hosts; everything else from this origin only.
const POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {scripts}; \
    style-src 'self' {styles}; img-src 'self' data: blob: http: https:; media-src 'self' blob:; \
    connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

pub fn finish(dist: &Path) -> anyhow::Result<()> {
    let pages = hash_pages_module(dist)?;
    let sheet = dist.join("pages.css");
    std::fs::write(&sheet, minify_css(&std::fs::read_to_string(&sheet)?))?;
    let css = hash_file(dist, "pages.css")?;
    let index = dist.join("index.html");
    let html = minify_inline_style(&std::fs::read_to_string(&index)?)?;
    let html = replace_once(
        &html,
        "\"/multitok-web-pages.js\"",
        &format!("\"/{pages}\""),
    )?;
    let html = replace_once(&html, "\"/pages.css\"", &format!("\"/{css}\""))?;
    let policy = POLICY
        .replace(
            "{scripts}",
            &inline_hashes(&html, "<script", "</script>").join(" "),
        )
        .replace(
            "{styles}",
            &inline_hashes(&html, "<style", "</style>").join(" "),
        );
    let meta = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\" />");
    let html = replace_once(&html, "<!-- content-security-policy -->", &meta)?;
    std::fs::write(&index, html)?;
    Ok(())
}

/// CSS without comments and without the spaces that mean nothing.
fn minify_css(css: &str) -> String {
    let mut text = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    text.push_str(rest);
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = words;
    for token in ["{", "}", ";", ",", ">"] {
        out = out
            .replace(&format!(" {token}"), token)
            .replace(&format!("{token} "), token);
    }
    out.replace(": ", ":").replace(";}", "}")
}

/// The page with its one inline `<style>` minified.
fn minify_inline_style(html: &str) -> anyhow::Result<String> {
    let start = html
        .find("<style>")
        .context("index.html has no inline style")?
        + "<style>".len();
    let len = html[start..].find("</style>").context("unclosed style")?;
    let css = minify_css(&html[start..start + len]);
    Ok(format!("{}{css}{}", &html[..start], &html[start + len..]))
}

fn replace_once(text: &str, from: &str, to: &str) -> anyhow::Result<String> {
    if text.matches(from).count() != 1 {
        bail!("web/index.html must hold {from} exactly once");
    }
    Ok(text.replacen(from, to, 1))
}

fn short_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Renames `name` to `stem-<hash>.ext`; the new name.
fn hash_file(dist: &Path, name: &str) -> anyhow::Result<String> {
    let bytes = std::fs::read(dist.join(name)).with_context(|| format!("reading {name}"))?;
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let hashed = format!("{stem}-{}.{ext}", short_hash(&bytes));
    std::fs::rename(dist.join(name), dist.join(&hashed))?;
    Ok(hashed)
}

/// Renames the pages module's JavaScript and wasm after the hash of both, pointing the
/// JavaScript at the renamed wasm; the JavaScript's new name.
fn hash_pages_module(dist: &Path) -> anyhow::Result<String> {
    let (js_name, wasm_name) = ("multitok-web-pages.js", "multitok-web-pages_bg.wasm");
    let js = std::fs::read_to_string(dist.join(js_name)).context("reading the pages module")?;
    let wasm = std::fs::read(dist.join(wasm_name))?;
    let hash = short_hash(&[js.as_bytes(), &wasm].concat());
    let new_wasm = format!("multitok-web-pages-{hash}_bg.wasm");
    let new_js = format!("multitok-web-pages-{hash}.js");
    std::fs::write(dist.join(&new_js), replace_once(&js, wasm_name, &new_wasm)?)?;
    std::fs::rename(dist.join(wasm_name), dist.join(&new_wasm))?;
    std::fs::remove_file(dist.join(js_name))?;
    Ok(new_js)
}

/// `'sha256-…'` of the content of every inline element opened by `open` (scripts with a
/// `src` are files, not inline).
fn inline_hashes(html: &str, open: &str, close: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(open) {
        let Some(tag_end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + tag_end];
        let body_start = start + tag_end + 1;
        let Some(len) = rest[body_start..].find(close) else {
            break;
        };
        if !tag.contains(" src=") {
            let digest = Sha256::digest(&rest.as_bytes()[body_start..body_start + len]);
            hashes.push(format!("'sha256-{}'", STANDARD.encode(digest)));
        }
        rest = &rest[body_start + len..];
    }
    hashes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minified_css_keeps_its_rules() {
        let css = "/* note */\n.a > .b { color: red; }\n@media (max-width: 640px) {\n  .c, .d { margin: 0 auto; }\n}\n";
        assert_eq!(
            minify_css(css),
            ".a>.b{color:red}@media (max-width:640px){.c,.d{margin:0 auto}}"
        );
    }

    #[test]
    fn inline_hashes_cover_inline_elements_only() {
        let html = "<script>a()</script><script src=\"/x.js\"></script><script type=\"module\">b()</script>";
        let hashes = inline_hashes(html, "<script", "</script>");
        let expected = |body: &str| format!("'sha256-{}'", STANDARD.encode(Sha256::digest(body)));
        assert_eq!(hashes, vec![expected("a()"), expected("b()")]);
    }
}
