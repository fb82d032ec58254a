//! Intake records: photos attached to items, and web imports with their resumable cursor.

use std::time::Duration;

use ykien_core::Role;
use ykien_store::{
    Channel, Confidentiality, ImportProgress, ImportRowError, NewAttachment, NewImport, NewItem,
    OpinionReport, StoreError,
};

use crate::harness::TestDb;

const WARD: &str = "00004"; // Phường Ba Đình
const SIBLING: &str = "00008"; // Phường Ngọc Hà

/// A valid PNG of `w`×1 grey pixels, encoded here (stored deflate block, real CRCs), so the
/// test depends on no image file and no image library.
pub fn png(w: u32) -> Vec<u8> {
    fn crc(data: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc(&body).to_be_bytes());
    }
    let mut raw = vec![0u8]; // filter: none
    raw.extend((0..w).map(|i| (i * 7 % 256) as u8));
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    let mut z = vec![0x78, 0x01, 0x01];
    z.extend((raw.len() as u16).to_le_bytes());
    z.extend((!(raw.len() as u16)).to_le_bytes());
    z.extend(&raw);
    z.extend(((b << 16) | a).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(1u32.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]); // 8-bit greyscale
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn item(unit: &str, text: &str) -> NewItem {
    NewItem {
        unit: unit.into(),
        source: "test".into(),
        channel: Channel::Form,
        external_id: None,
        author_user_id: None,
        author_contact: None,
        occurred_at: None,
        text: text.into(),
        title: None,
        report: OpinionReport::default(),
        confidentiality: Confidentiality::Normal,
        dedup_text: String::new(),
    }
}

fn photo(item_id: i64, bytes: &[u8], max_bytes: usize, max_per_item: u32) -> NewAttachment<'_> {
    NewAttachment {
        item_id,
        bytes,
        original_name: Some("IMG_0001.png".into()),
        max_bytes,
        max_per_item,
    }
}

pub async fn attachments_are_sniffed_limited_scoped_and_audited(t: &TestDb) {
    let store = t.with_units().await;
    let files = t.dir.path().join("files");
    let ctv = t.actor(Role::Collaborator, WARD, "ctv@a.vn").await;
    let ctv2 = t.actor(Role::Collaborator, WARD, "ctv2@a.vn").await;
    let officer = t.actor(Role::Officer, WARD, "cb@a.vn").await;
    let other = t.actor(Role::Officer, SIBLING, "cb@b.vn").await;
    let viewer = t.actor(Role::Viewer, WARD, "xem@a.vn").await;
    let id = store
        .submit_item(Some(&ctv), item(WARD, "Đường ngõ 12 ngập sau mưa."))
        .await
        .unwrap()
        .id;
    let pic = png(40);
    let (a, created) = store
        .attach(Some(&ctv), &files, photo(id, &pic, 1 << 20, 2))
        .await
        .unwrap();
    assert!(created);
    assert_eq!((a.n, a.media_type.as_str()), (1, "image/png"));
    assert_eq!(a.size, pic.len() as i64);
    // Sent again (a retried upload): the same attachment, nothing new.
    let (again, created) = store
        .attach(Some(&ctv), &files, photo(id, &pic, 1 << 20, 2))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again.n, 1);
    // A text file named .jpg, and a photo beyond the size limit, are refused.
    let fake = b"Day khong phai anh, chi la van ban.".to_vec();
    let e = store
        .attach(Some(&ctv), &files, photo(id, &fake, 1 << 20, 2))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid { .. }), "{e:?}");
    let big = png(5000);
    let e = store
        .attach(Some(&ctv), &files, photo(id, &big, 1000, 2))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("too large"), "{e}");
    // Another ward's officer: the item and its photos do not exist.
    for r in [
        store
            .attach(Some(&other), &files, photo(id, &pic, 1 << 20, 2))
            .await
            .map(|_| ()),
        store.attachments(Some(&other), id).await.map(|_| ()),
        store
            .attachment_file(Some(&other), &files, id, 1)
            .await
            .map(|_| ()),
    ] {
        assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    }
    // A viewer sees but may not attach; another collaborator may not attach to this report.
    assert_eq!(store.attachments(Some(&viewer), id).await.unwrap().len(), 1);
    for who in [&viewer, &ctv2] {
        let r = store
            .attach(Some(who), &files, photo(id, &png(41), 1 << 20, 2))
            .await;
        assert!(matches!(r, Err(StoreError::Forbidden { .. })), "{r:?}");
    }
    // The ward's officer attaches a second photo; a third is over the limit.
    let (b, _) = store
        .attach(Some(&officer), &files, photo(id, &png(42), 1 << 20, 2))
        .await
        .unwrap();
    assert_eq!(b.n, 2);
    let e = store
        .attach(Some(&officer), &files, photo(id, &png(43), 1 << 20, 2))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("at most 2"), "{e}");
    // The bytes come back whole, from a content-addressed file.
    let (got, bytes) = store
        .attachment_file(Some(&viewer), &files, id, 1)
        .await
        .unwrap();
    assert_eq!(bytes, pic);
    assert_eq!(got.sha256, ykien_store::sha256_hex(&pic));
    assert!(
        files
            .join("attachments")
            .join(&got.sha256[..2])
            .join(format!("{}.png", got.sha256))
            .is_file()
    );
    assert!(matches!(
        store.attachment_file(Some(&viewer), &files, id, 3).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE action = 'attachment.create'")
            .await,
        2
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM attachments").await, 2);
}

pub async fn imports_are_scoped_and_resume_from_their_cursor(t: &TestDb) {
    let store = t.with_units().await;
    let files = t.dir.path().join("files");
    let editor = t.actor(Role::Editor, WARD, "bt@a.vn").await;
    let ctv = t.actor(Role::Collaborator, WARD, "ctv@a.vn").await;
    let other = t.actor(Role::Officer, SIBLING, "cb@b.vn").await;
    let bytes = b"{\"text\": \"a\"}\n{\"text\": \"b\"}\n";
    let new = |unit: &str| NewImport {
        unit: unit.into(),
        source: "fanpage".into(),
        format: "jsonl".into(),
        bytes,
        original_name: Some("binh-luan.jsonl".into()),
    };
    let e = store
        .create_import(Some(&ctv), &files, new(WARD))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden { .. }), "{e:?}");
    let e = store
        .create_import(Some(&editor), &files, new(SIBLING))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    let e = store
        .create_import(Some(&ctv), &files, new(SIBLING))
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::NotFound),
        "out of scope first: {e:?}"
    );
    let imp = store
        .create_import(Some(&editor), &files, new(WARD))
        .await
        .unwrap();
    assert_eq!((imp.state.as_str(), imp.cursor), ("queued", 0));
    assert_eq!(std::fs::read(files.join(&imp.file_name)).unwrap(), bytes);
    assert!(matches!(
        store.import(Some(&other), imp.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.import(Some(&ctv), imp.id).await,
        Err(StoreError::Forbidden { .. })
    ));
    assert_eq!(store.list_imports(&editor, 10).await.unwrap().len(), 1);
    assert!(store.list_imports(&other, 10).await.unwrap().is_empty());

    let lease = Duration::from_secs(60);
    let got = store.claim_import("w1", lease).await.unwrap().unwrap();
    assert_eq!((got.id, got.state.as_str()), (imp.id, "running"));
    assert!(store.claim_import("w2", lease).await.unwrap().is_none());
    let first = ImportProgress {
        rows_total: 10,
        cursor: 4,
        added: 3,
        duplicate: 0,
        errors: vec![ImportRowError {
            row: 2,
            reason: "no text".into(),
            code: None,
            detail: None,
        }],
    };
    assert!(
        store
            .import_progress(imp.id, "w1", lease, &first)
            .await
            .unwrap()
    );
    assert!(
        !store
            .import_progress(imp.id, "w2", lease, &first)
            .await
            .unwrap()
    );
    // The runner dies: once its lease has run out another takes over at the cursor.
    t.exec(&format!(
        "UPDATE imports SET locked_until = 0 WHERE id = {}",
        imp.id
    ))
    .await
    .unwrap();
    let resumed = store.claim_import("w2", lease).await.unwrap().unwrap();
    assert_eq!(
        (resumed.id, resumed.cursor, resumed.rows_added),
        (imp.id, 4, 3)
    );
    assert!(
        !store
            .import_progress(imp.id, "w1", lease, &first)
            .await
            .unwrap()
    );
    let rest = ImportProgress {
        rows_total: 10,
        cursor: 10,
        added: 4,
        duplicate: 1,
        errors: vec![ImportRowError {
            row: 9,
            reason: "unknown unit".into(),
            code: None,
            detail: None,
        }],
    };
    assert!(
        store
            .import_progress(imp.id, "w2", lease, &rest)
            .await
            .unwrap()
    );
    assert!(!store.finish_import(imp.id, "w1", None).await.unwrap());
    assert!(store.finish_import(imp.id, "w2", None).await.unwrap());
    let done = store.import(Some(&editor), imp.id).await.unwrap();
    assert_eq!(done.state, "done");
    assert_eq!(
        (
            done.rows_done,
            done.rows_added,
            done.rows_duplicate,
            done.rows_failed
        ),
        (10, 7, 1, 2)
    );
    assert_eq!(
        done.rows_done,
        done.rows_added + done.rows_duplicate + done.rows_failed
    );
    assert_eq!(
        done.errors.iter().map(|e| e.row).collect::<Vec<_>>(),
        vec![2, 9]
    );
    assert!(store.claim_import("w3", lease).await.unwrap().is_none());
    assert_eq!(
        t.count(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('import.create', 'import.finish')"
        )
        .await,
        2
    );
}
