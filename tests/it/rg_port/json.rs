//! ripgrep's `tests/json.rs`: `--json`, ripgrep's JSON Lines schema, which ba prints too. The case
//! `r1412_look_behind_match_missing` needs PCRE2: it is in `pcre2.rs`.

use serde_json::{json, Value};

use super::{data_lines, Dir, SHERLOCK_CRLF};

fn messages(dir: &Dir, args: &[&str]) -> Vec<Value> {
    let out = dir.ba(args);
    assert_eq!(out.status.code(), Some(0), "ba {args:?}: {}", super::text(&out.stderr));
    data_lines(&out.stdout)
}

fn sherlock_context_and_match(replacement: Value) -> [Value; 2] {
    let context = json!({"type": "context", "data": {
        "path": {"text": "sherlock"},
        "lines": {"text": "Holmeses, success in the province of detective work must always\n"},
        "line_number": 2, "absolute_offset": 65, "submatches": []}});
    let found = json!({"type": "match", "data": {
        "path": {"text": "sherlock"},
        "lines": {"text": "be, to a very large extent, the result of luck. Sherlock Holmes\n"},
        "line_number": 3, "absolute_offset": 129,
        "submatches": [{"match": {"text": "Sherlock Holmes"}, "start": 48, "end": 63}]}});
    let mut found = found;
    if !replacement.is_null() {
        found["data"]["submatches"][0]["replacement"] = replacement;
    }
    [context, found]
}

fn check_sherlock_holmes(msgs: &[Value], replacement: Value, bytes_printed: u64) {
    assert_eq!(msgs[0], json!({"type": "begin", "data": {"path": {"text": "sherlock"}}}));
    let [context, found] = sherlock_context_and_match(replacement);
    assert_eq!(msgs[1], context);
    assert_eq!(msgs[2], found);
    assert_eq!(msgs[3]["type"], "end");
    assert_eq!(msgs[3]["data"]["path"], json!({"text": "sherlock"}));
    assert_eq!(msgs[3]["data"]["binary_offset"], Value::Null);
    assert_eq!(msgs[4]["type"], "summary");
    assert_eq!(msgs[4]["data"]["stats"]["searches_with_match"], 1);
    assert_eq!(msgs[4]["data"]["stats"]["bytes_printed"], bytes_printed);
}

#[test]
fn basic() {
    let msgs = messages(&Dir::sherlock(), &["--json", "-B1", "Sherlock Holmes", "sherlock"]);
    check_sherlock_holmes(&msgs, Value::Null, 494);
}

#[test]
fn replacement() {
    let args = ["--json", "-B1", "Sherlock Holmes", "--output-replace", "John Watson", "sherlock"];
    let msgs = messages(&Dir::sherlock(), &args);
    check_sherlock_holmes(&msgs, json!({"text": "John Watson"}), 531);
}

#[test]
fn quiet_stats() {
    let msgs = messages(&Dir::sherlock(), &["--json", "--quiet", "--stats", "Sherlock Holmes", "sherlock"]);
    assert_eq!(msgs[0]["type"], "summary");
    assert_eq!(msgs[0]["data"]["stats"]["searches_with_match"], 1);
    assert_eq!(msgs[0]["data"]["stats"]["bytes_searched"], 367);
}

fn quux_match(path: Value) -> Value {
    json!({"type": "match", "data": {
        "path": path, "lines": {"bytes": "cXV1eP9iYXo="}, "line_number": 1, "absolute_offset": 0,
        "submatches": [{"match": {"bytes": "/w=="}, "start": 4, "end": 5}]}})
}

#[test]
fn notutf8() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = Dir::new();
    std::fs::write(dir.path().join(OsStr::from_bytes(b"foo\xFFbar")), b"quux\xFFbaz").unwrap();
    let msgs = messages(&dir, &["--json", r"(?-u)\xFF"]);
    let path = json!({"bytes": "Zm9v/2Jhcg=="});
    assert_eq!(msgs[0], json!({"type": "begin", "data": {"path": path}}));
    assert_eq!(msgs[1], quux_match(path));
}

#[test]
fn notutf8_file() {
    let dir = Dir::new().with("foo", b"quux\xFFbaz");
    let msgs = messages(&dir, &["--json", r"(?-u)\xFF"]);
    let path = json!({"text": "foo"});
    assert_eq!(msgs[0], json!({"type": "begin", "data": {"path": path}}));
    assert_eq!(msgs[1], quux_match(path));
}

// The match of `Sherlock$` on a CRLF line leaves the `\r` out.
#[test]
fn crlf() {
    let dir = Dir::new().with("sherlock", SHERLOCK_CRLF);
    let msgs = messages(&dir, &["--json", "--crlf", "Sherlock$", "sherlock"]);
    assert_eq!(
        msgs[1]["data"]["submatches"][0],
        json!({"match": {"text": "Sherlock"}, "start": 56, "end": 64})
    );
}

fn lines_of_one_match(dir: &Dir, args: &[&str], lines: &str) -> Value {
    let msgs = messages(dir, args);
    assert_eq!(msgs.len(), 4, "{msgs:?}");
    assert_eq!(msgs[1]["data"]["lines"], json!({"text": lines}));
    msgs[1].clone()
}

#[test]
fn r1095_missing_crlf() {
    let dir = Dir::new().with("foo", "test\r\n");
    lines_of_one_match(&dir, &["--json", "test"], "test\r\n");
    lines_of_one_match(&dir, &["--json", "test", "--crlf"], "test\r\n");
}

#[test]
fn r1095_crlf_empty_match() {
    let dir = Dir::new().with("foo", "test\r\n\n");
    for args in [&["-U", "--json", "\n"][..], &["-U", "--json", "\n", "--crlf"]] {
        let found = lines_of_one_match(&dir, args, "test\r\n\n");
        assert_eq!(found["data"]["submatches"][0]["match"], json!({"text": "\n"}));
        assert_eq!(found["data"]["submatches"][1]["match"], json!({"text": "\n"}));
    }
}
