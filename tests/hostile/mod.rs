//! A corpus of hostile strings: every character class the output
//! sanitiser must neutralise, each inside ordinary text.
#![allow(dead_code)]

/// Each entry: a label, and a string carrying the attack.
pub const CORPUS: &[(&str, &str)] = &[
    ("osc title", "\u{1b}]0;pwned\u{7}"),
    ("osc title st", "\u{1b}]2;pwned\u{1b}\\"),
    ("csi clear", "\u{1b}[2J\u{1b}[H"),
    ("fake line", "\rimported 487 records\n"),
    ("c1 csi", "\u{9b}31m"),
    ("c1 osc", "\u{9d}0;x\u{9c}"),
    ("del", "a\u{7f}b"),
    ("nul bell", "a\u{0}\u{7}b"),
    ("rlo", "\u{202e}fdp.exe"),
    ("lre pdf", "\u{202a}x\u{202c}"),
    ("lro rle", "\u{202d}\u{202b}y"),
    ("isolates", "\u{2066}\u{2067}\u{2068}z\u{2069}"),
    ("marks", "\u{200e}\u{200f}\u{61c}"),
    ("zero width", "a\u{200b}b\u{200c}c\u{200d}d"),
    ("word joiner", "\u{2060}\u{2061}\u{2062}\u{2063}\u{2064}"),
    ("bom", "\u{feff}x"),
    ("hangul fillers", "\u{3164}\u{115f}\u{1160}\u{ffa0}"),
    ("tags", "\u{e0001}\u{e0041}\u{e0042}\u{e007f}"),
    ("separators", "a\u{2028}b\u{2029}c"),
    ("soft hyphen", "in\u{ad}visible"),
    (
        "md heading",
        "x\n# Injected heading\n- item\n| a | b |\n> quote",
    ),
];

/// Every hostile string at once, between ordinary words.
pub fn all() -> String {
    let mut s = String::from("仙台");
    for (_, h) in CORPUS {
        s.push_str(h);
        s.push('x');
    }
    s
}

/// The hostile characters in `s` (what must never appear raw), except the
/// line breaks and tabs that `multiline` output may keep.
pub fn raw_in(s: &str, multiline: bool) -> Vec<char> {
    s.chars()
        .filter(|c| triad::model::is_hostile(*c))
        .filter(|c| !(multiline && matches!(c, '\n' | '\t')))
        .collect()
}

/// Appends the whole corpus to every free-text string of every record in
/// the store at `dir` (editing the sled trees directly), keeping only the
/// edits that still read back as a record (so ids, dates and kinds stay).
pub fn poison(dir: &std::path::Path) {
    // The store's last threads may hold sled's lock a moment after it drops.
    let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let db = loop {
        match sled::open(dir.join("db")) {
            Ok(db) => break db,
            Err(_) if std::time::Instant::now() < until => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => panic!("open sled: {e}"),
        }
    };
    let evil = all();
    for kind in triad::model::Kind::ALL {
        let tree = db.open_tree(kind.plural()).unwrap();
        for item in tree.iter() {
            let (k, v) = item.unwrap();
            let mut value: serde_json::Value = serde_json::from_slice(&v).unwrap();
            poison_value(&mut value, &evil);
            tree.insert(k, serde_json::to_vec(&value).unwrap()).unwrap();
        }
    }
    db.flush().unwrap();
}

fn poison_value(root: &mut serde_json::Value, evil: &str) {
    let mut paths = Vec::new();
    string_paths(root, String::new(), &mut paths);
    for path in paths {
        let before = root.pointer(&path).cloned();
        if let Some(serde_json::Value::String(s)) = root.pointer_mut(&path) {
            s.push_str(evil);
        }
        if serde_json::from_value::<triad::model::Record>(root.clone()).is_err() {
            *root.pointer_mut(&path).unwrap() = before.unwrap();
        }
    }
}

fn string_paths(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(_) if at != "/type" => out.push(at),
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                string_paths(x, format!("{at}/{i}"), out);
            }
        }
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                string_paths(x, format!("{at}/{k}"), out);
            }
        }
        _ => {}
    }
}
