//! The README's key table is the default keymap's normal mode, row for row,
//! so the README cannot promise a key the app does not have.

#[test]
fn readme_key_table_matches_the_default_keymap() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let keymap: toml::Value =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/keymaps/default.toml"))
            .unwrap()
            .parse()
            .unwrap();
    let start = readme
        .find("<!-- keys:normal")
        .expect("README has the key table marker");
    let end = readme[start..]
        .find("<!-- /keys -->")
        .expect("the table ends")
        + start;
    let rows: Vec<String> = readme[start..end]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(str::to_string)
        .collect();
    let want: Vec<String> = keymap["normal"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let on = match &e["on"] {
                toml::Value::Array(keys) => keys
                    .iter()
                    .map(|k| k.as_str().unwrap().to_string())
                    .collect(),
                one => vec![one.as_str().unwrap().to_string()],
            };
            let keys: Vec<String> = on.iter().map(|k| format!("`{k}`")).collect();
            format!("| {} | {} |", keys.join(" "), e["desc"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        rows, want,
        "update the README's key table from keymaps/default.toml"
    );
}
