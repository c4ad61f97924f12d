// A development tool: after its error the process ends, and the detached task with it.
use std::time::Duration;

pub async fn stop_report(report: tokio::task::JoinHandle<()>) -> anyhow::Result<()> {
    tokio::time::timeout(Duration::from_secs(1000), report).await?;
    Ok(())
}
