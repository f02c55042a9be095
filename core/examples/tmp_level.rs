use hsmnet_core::{
    link,
    presets::{self, Size},
};
fn main() {
    for p in presets::ALL {
        print!(
            "{} {}  ",
            p.name,
            link::encode(&presets::build(p.name, &Size::default()).unwrap())
                .unwrap()
                .len()
        );
    }
    let d = presets::build(
        "hub-nva-proxy",
        &Size {
            spokes: Some(1000),
            regions: None,
        },
    )
    .unwrap();
    let t = std::time::Instant::now();
    let mut l = 0;
    for _ in 0..20 {
        l = link::encode(&d).unwrap().len();
    }
    println!(
        "\n1000: {} chars, {:.2} ms",
        l,
        t.elapsed().as_secs_f64() * 1000.0 / 20.0
    );
}
