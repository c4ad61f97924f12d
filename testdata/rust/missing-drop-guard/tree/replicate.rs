use tokio_util::sync::CancellationToken;

use crate::jobs;

// The project's spawn wrapper (jobs.rs) spawns like `tokio::spawn`: a later shard's `?` leaves
// the earlier shards' streams running.
pub async fn replicate(shards: &[Shard]) -> Result<(), Error> {
    let stop = CancellationToken::new(); // want "missing-drop-guard"
    for shard in shards {
        let stop = stop.clone();
        let slot = shard.slot();
        jobs::spawn("replication", async move {
            stream(slot, stop).await;
        });
        shard.check()?;
    }
    wait().await;
    stop.cancel();
    Ok(())
}

// `later` returns no task handle: nothing runs on its own.
pub async fn deferred(shards: &[Shard]) -> Result<(), Error> {
    let stop = CancellationToken::new();
    for shard in shards {
        let slot = shard.slot()?;
        jobs::later(stream(slot, stop.clone())).await;
    }
    stop.cancel();
    Ok(())
}

mod imported {
    use tokio_util::sync::CancellationToken;

    use crate::jobs::spawn;

    pub async fn one(shard: &Shard) -> Result<(), Error> {
        let stop = CancellationToken::new(); // want "missing-drop-guard"
        spawn("replication", stream(shard.slot()?, stop.clone()));
        shard.check()?;
        stop.cancel();
        Ok(())
    }
}
