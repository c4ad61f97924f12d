// Shapes from real trees that must stay silent.
use tokio_util::sync::CancellationToken;
use tokio_util::task::AbortOnDropHandle;

struct Connection {
    stop_on_drop: Option<tokio_util::sync::DropGuard>,
    task: tokio::task::JoinHandle<()>,
}

// The guard is stored in the value returned: the token lives as long as that value.
async fn guard_stored_in_the_result(addr: &str) -> Result<Connection> {
    let token = CancellationToken::new();
    let task = tokio::spawn(drive(token.clone()));
    Ok(Connection {
        stop_on_drop: Some(token.drop_guard()),
        task,
    })
}

// `async_main` is main in all but name: its exits end the process.
async fn async_main() -> Result<()> {
    let shutdown = CancellationToken::new();
    tokio::spawn(serve(shutdown.clone()));
    let listener = bind()?;
    run(listener).await;
    shutdown.cancel();
    Ok(())
}

// Lent to a call that may cancel it; the function never cancels it itself.
async fn lent_to_the_servers(config: &Config) -> Result<()> {
    let shutdown = CancellationToken::new();
    tokio::spawn(on_signal(shutdown.clone()));
    let servers = start_servers(config, &shutdown)?;
    servers.join().await;
    Ok(())
}

// The tasks' handles abort them when dropped, at the end of the function at the latest.
async fn handles_abort_on_drop(jobs: Vec<Job>) -> Result<()> {
    let token = CancellationToken::new();
    let mut running = Vec::new();
    for job in jobs {
        let task = tokio::spawn(job.run(token.clone()));
        running.push(AbortOnDropHandle::new(task));
    }
    check()?;
    for task in running {
        task.await?;
    }
    token.cancel();
    Ok(())
}

async fn wrapped_inline(jobs: Vec<Job>) -> Result<()> {
    let done = CancellationToken::new();
    let mut running = Vec::new();
    for job in jobs {
        running.push(AbortOnDropHandle::new(tokio::spawn(job.run(done.clone()))));
    }
    check()?;
    done.cancel();
    Ok(())
}

// A `select!` loop that cancels the token when it is done: the loop only ends once the task
// has finished or the token is cancelled.
async fn select_loop(mut rx: Receiver<Event>) -> Result<()> {
    let listing = CancellationToken::new();
    tokio::spawn(list(listing.clone()));
    loop {
        tokio::select! {
            event = rx.recv() => match event {
                Some(Event::Stop) => listing.cancel(),
                Some(event) => handle(event).await?,
                None => break,
            },
            _ = listing.cancelled() => break,
        }
    }
    publish().await?;
    Ok(())
}
