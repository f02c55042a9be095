//! The page's state: which preset at which size (the only thing a user chooses so far), and
//! what is derived from it. The design, its report and its scene are memos, never stored
//! beside the choice, so they cannot disagree with it.

use crate::scene::Scene;
use hsmnet_core::presets::{self, Size};
use hsmnet_core::{check, Design, Report};
use leptos::prelude::*;

/// Handed to every component through context; all fields are cheap `Copy` handles.
#[derive(Clone, Copy)]
pub struct Studio {
    /// The chosen preset's name (one of [`presets::ALL`]).
    pub preset: RwSignal<&'static str>,
    /// Spoke VNets, used when the preset takes spokes.
    pub spokes: RwSignal<usize>,
    /// Regions, used when the preset takes regions.
    pub regions: RwSignal<usize>,
    /// The built design, or why the preset could not be built at this size.
    pub design: Memo<Result<Design, String>>,
    pub report: Memo<Option<Report>>,
    pub scene: Memo<Option<Scene>>,
}

impl Studio {
    pub fn new() -> Self {
        let first = presets::ALL.first();
        let preset = RwSignal::new(first.map(|p| p.name).unwrap_or_default());
        let spokes = RwSignal::new(first.map(|p| p.default_spokes).unwrap_or(1));
        let regions = RwSignal::new(first.map(|p| p.default_regions).unwrap_or(1));
        let design = Memo::new(move |_| {
            let name = preset.get();
            let info = presets::preset(name);
            let size = Size {
                spokes: info.filter(|p| p.takes_spokes).map(|_| spokes.get()),
                regions: info.filter(|p| p.takes_regions).map(|_| regions.get()),
            };
            presets::build(name, &size).map_err(|e| e.to_string())
        });
        let report = Memo::new(move |_| design.with(|d| d.as_ref().ok().map(check)));
        let scene = Memo::new(move |_| design.with(|d| d.as_ref().ok().map(Scene::of)));
        Studio {
            preset,
            spokes,
            regions,
            design,
            report,
            scene,
        }
    }

    /// Switches preset, starting from its default size.
    pub fn choose(&self, name: &'static str) {
        if let Some(info) = presets::preset(name) {
            self.spokes.set(info.default_spokes);
            self.regions.set(info.default_regions);
        }
        self.preset.set(name);
    }
}
