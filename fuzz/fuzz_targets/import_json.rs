//! The JSON import under libFuzzer: whatever the bytes, `exchange::parse`
//! must not panic, its error must quote nothing raw (no control, bidi or
//! invisible character, no line break), and a file it accepts must export
//! and parse back to the same records.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match triad::exchange::parse(text) {
        Err(e) => {
            let message = e.to_string();
            assert!(
                !message.chars().any(triad::model::is_hostile),
                "raw character in: {}",
                message.escape_debug()
            );
        }
        Ok(records) => {
            let again = triad::exchange::to_json(records.clone());
            let reread = triad::exchange::parse(&again).expect("a re-export parses");
            assert_eq!(reread, records);
        }
    }
});
