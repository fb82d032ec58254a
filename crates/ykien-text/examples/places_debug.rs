//! Prints what the gazetteer finds in each argument: `cargo run --example places_debug -- TEXT`.
use ykien_text::places::Gazetteer;

fn main() {
    let g = Gazetteer::default();
    for text in std::env::args().skip(1) {
        println!("== {text}");
        for m in g.find_all(&text) {
            println!(
                "  [{}..{}] {:?} -> {} {} legacy={} conf={:.2} cands={} parents={:?} succ={:?}",
                m.span.start,
                m.span.end,
                m.text,
                m.unit.id,
                m.unit.name,
                m.unit.legacy,
                m.confidence,
                m.candidates,
                m.parents.iter().map(|p| p.name).collect::<Vec<_>>(),
                m.successors.iter().map(|p| p.name).collect::<Vec<_>>()
            );
        }
        for c in g.resolve(&text).iter().take(5) {
            println!(
                "  resolve {:.3} {} {} {:?} succ={:?}",
                c.score,
                c.unit.id,
                c.unit.name,
                c.parents.iter().map(|p| p.name).collect::<Vec<_>>(),
                c.successors.iter().map(|p| p.name).collect::<Vec<_>>()
            );
        }
    }
}
