mod tui;
use triad::ui::i18n::Lang;

#[test]
fn explore() {
    let demo = tui::demo_store();
    let mut app = tui::app(&demo, Lang::Ja, 80, 24);
    println!("{}", app.screen());
    app.press(":");
    app.type_text("porio");
    println!("{}", app.screen());
    app.press("<CR>");
    app.press("m");
    println!("{}", app.screen());
    app.press("<Tab><Tab><Tab>");
    app.type_text("K先生と電話。\n次回の相談会に来てくださる。");
    println!("{}", app.screen());
    app.press("<C-s>");
    println!("{}", app.screen());
    app.press("<Tab><Tab>");
    println!("{}", app.screen());
    app.press("r");
    app.press("<Down>");
    app.type_text("zzz");
    app.press("<C-s>");
    println!("{}", app.screen());
    app.press("<Esc>");
    println!("{}", app.screen());
    app.press("y?");
    println!("{}", app.screen());
    app.resize(30, 10);
    println!("{}", app.screen());
}
