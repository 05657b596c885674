//! What of the list is on screen: an `IntersectionObserver` on every
//! message row tells which are at least half in view. A message counts as
//! read only once it has been on screen, and the "new messages" pill counts
//! what is newer than anything on screen.

use std::collections::BTreeSet;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

/// What the browser calls with the rows whose visibility changed.
type Callback = Closure<dyn Fn(js_sys::Array)>;

/// The rows on screen, shared by the list and its rows through context.
#[derive(Debug, Clone, Copy)]
pub struct Sight {
    observer: StoredValue<Option<IntersectionObserver>, LocalStorage>,
    /// Keeps the observer's callback alive as long as the list.
    _callback: StoredValue<Option<Callback>, LocalStorage>,
    /// The ids of the messages at least half on screen now (or filling at
    /// least half of it, for one taller than that).
    pub visible: RwSignal<BTreeSet<u64>>,
}

impl Sight {
    /// Starts watching (the observer is the browser's; where there is none,
    /// every row counts as seen).
    pub fn new() -> Self {
        let visible = RwSignal::new(BTreeSet::new());
        let callback = Callback::new(move |entries: js_sys::Array| {
            let mut came = Vec::new();
            let mut went = Vec::new();
            for entry in entries.iter() {
                let Ok(entry) = entry.dyn_into::<IntersectionObserverEntry>() else {
                    continue;
                };
                let Some(id) = row_id(&entry.target()) else {
                    continue;
                };
                let tall = entry.root_bounds().is_some_and(|bounds| {
                    entry.intersection_rect().height() >= bounds.height() / 2.0
                });
                if entry.is_intersecting() && (entry.intersection_ratio() >= 0.5 || tall) {
                    came.push(id);
                } else {
                    went.push(id);
                }
            }
            visible.update(|visible| {
                for id in went {
                    visible.remove(&id);
                }
                visible.extend(came);
            });
        });
        let options = IntersectionObserverInit::new();
        let thresholds = js_sys::Array::of3(&0.0.into(), &0.5.into(), &1.0.into());
        options.set_threshold(&thresholds);
        let observer =
            IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options)
                .ok();
        Sight {
            observer: StoredValue::new_local(observer),
            _callback: StoredValue::new_local(Some(callback)),
            visible,
        }
    }

    /// Watches a message row (its `data-id` names it).
    pub fn observe(&self, row: &Element) {
        self.observer.with_value(|observer| match observer {
            Some(observer) => observer.observe(row),
            None => {
                if let Some(id) = row_id(row) {
                    self.visible.update(|visible| {
                        visible.insert(id);
                    });
                }
            }
        });
    }

    /// Stops watching a row that leaves the list.
    pub fn unobserve(&self, row: &Element) {
        self.observer.with_value(|observer| {
            if let Some(observer) = observer {
                observer.unobserve(row);
            }
        });
        if let Some(id) = row_id(row)
            && self.visible.with_untracked(|visible| visible.contains(&id))
        {
            self.visible.update(|visible| {
                visible.remove(&id);
            });
        }
    }

    /// The newest message on screen (tracked).
    pub fn newest(&self) -> Option<u64> {
        self.visible.with(|visible| visible.last().copied())
    }

    /// Forgets every row (another room is shown).
    pub fn clear(&self) {
        self.visible.set(BTreeSet::new());
    }
}

impl Default for Sight {
    fn default() -> Self {
        Self::new()
    }
}

fn row_id(row: &Element) -> Option<u64> {
    row.get_attribute("data-id")?.parse().ok()
}
