// A command-line tool: its error goes up to main, which ends the process and its tasks.
use tokio_util::sync::CancellationToken;

pub async fn replace_workload(volume: &Volume) -> anyhow::Result<()> {
    let stop = CancellationToken::new();
    let task = tokio::spawn(replace_loop(volume.clone(), stop.clone()));
    if !volume.verify().await {
        anyhow::bail!("verify failed");
    }
    stop.cancel();
    task.await??;
    Ok(())
}
