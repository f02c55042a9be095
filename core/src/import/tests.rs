//! Import of small hand-written inputs: each shape and rule of the importer.

use super::*;
use crate::model::{ConnectionKind, GatewayKind};

fn import_json(v: serde_json::Value) -> Result<Imported, ImportError> {
    import(&v.to_string(), &Inputs::default())
}

#[test]
fn placeholder() {
    let _ = import_json(serde_json::json!({"resources": []})).unwrap();
    let _ = (
        ConnectionKind::PointToSite {
            gateway: crate::Id(1),
            site: crate::Id(2),
        },
        GatewayKind::Vpn,
    );
}
