//! Group commit: writers that arrive while another is writing hand their rows over and are
//! written together, in the next transaction, by whichever of them gets the turn first.
//!
//! On SQLite every transaction is a turn at the single write lock plus a `BEGIN` and a
//! `COMMIT` (each a round trip to the connection's thread); with many small writers at once
//! those, not the rows, cost most. Grouping gives each row its own answer while paying them
//! once per group. The write itself runs in a spawned task, so a caller that goes away (a
//! client that hung up) never leaves the others' rows half written.

use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

/// A row waiting to be written, with where its answer goes.
pub(crate) type Waiting<T, R> = (T, oneshot::Sender<R>);

pub(crate) struct GroupCommit<T, R> {
    waiting: Mutex<Vec<Waiting<T, R>>>,
    turn: Arc<tokio::sync::Mutex<()>>,
}

impl<T, R> std::fmt::Debug for GroupCommit<T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit")
            .field("waiting", &self.lock().len())
            .finish_non_exhaustive()
    }
}

impl<T, R> Default for GroupCommit<T, R> {
    fn default() -> Self {
        GroupCommit {
            waiting: Mutex::new(Vec::new()),
            turn: Arc::new(tokio::sync::Mutex::new(())),
        }
    }
}

impl<T: Send + 'static, R: Send + 'static> GroupCommit<T, R> {
    /// Queues `row` and waits for its answer. `write` gets every row waiting when this caller's
    /// turn comes and must answer each one; `None` when the answer was lost (the writing task
    /// panicked).
    pub(crate) async fn submit<F, Fut>(&self, row: T, write: F) -> Option<R>
    where
        F: FnOnce(Vec<Waiting<T, R>>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let (tx, mut rx) = oneshot::channel();
        self.lock().push((row, tx));
        let turn = self.turn.clone().lock_owned().await;
        // A writer answers all it took before it gives the turn up: either our row was in an
        // earlier group and is answered, or it is still waiting and ours to write.
        match rx.try_recv() {
            Ok(r) => return Some(r),
            Err(oneshot::error::TryRecvError::Closed) => return None,
            Err(oneshot::error::TryRecvError::Empty) => {}
        }
        let group = std::mem::take(&mut *self.lock());
        if !group.is_empty() {
            let task = write(group);
            let _ = tokio::spawn(async move {
                task.await;
                drop(turn);
            })
            .await;
        }
        rx.await.ok()
    }
}

impl<T, R> GroupCommit<T, R> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Waiting<T, R>>> {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_row_is_answered_once_and_groups_form_under_load() {
        let gc: Arc<GroupCommit<u32, u32>> = Arc::new(GroupCommit::default());
        let groups = Arc::new(Mutex::new(Vec::<usize>::new()));
        let mut tasks = Vec::new();
        for i in 0..200u32 {
            let gc = gc.clone();
            let groups = groups.clone();
            tasks.push(tokio::spawn(async move {
                gc.submit(i, move |group| async move {
                    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                    groups.lock().unwrap().push(group.len());
                    for (row, tx) in group {
                        let _ = tx.send(row * 2);
                    }
                })
                .await
            }));
        }
        for (i, t) in tasks.into_iter().enumerate() {
            assert_eq!(t.await.unwrap(), Some(i as u32 * 2));
        }
        let groups = groups.lock().unwrap();
        assert_eq!(groups.iter().sum::<usize>(), 200);
        assert!(groups.len() < 200, "no row was grouped: {groups:?}");
    }

    #[tokio::test]
    async fn a_writer_that_panics_loses_only_its_group() {
        let gc: GroupCommit<u32, u32> = GroupCommit::default();
        let r = gc.submit(1, |_group| async move { panic!("boom") }).await;
        assert_eq!(r, None);
        let r = gc
            .submit(2, |group| async move {
                for (row, tx) in group {
                    let _ = tx.send(row);
                }
            })
            .await;
        assert_eq!(r, Some(2));
    }
}
