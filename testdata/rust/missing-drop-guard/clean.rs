use tokio_util::sync::CancellationToken;

async fn guarded(addr: &str) -> Result<()> {
    let token = CancellationToken::new();
    let _guard = token.clone().drop_guard();
    tokio::spawn(heartbeat(token.clone()));
    connect(addr).await?;
    Ok(())
}

async fn cancelled_on_every_exit(addr: &str) -> Result<()> {
    let token = CancellationToken::new();
    tokio::spawn(heartbeat(token.clone()));
    let conn = match connect(addr).await {
        Ok(c) => c,
        Err(e) => {
            token.cancel();
            return Err(e);
        }
    };
    token.cancel();
    conn.close().await?;
    Ok(())
}

async fn both_branches(flag: bool) {
    let token = CancellationToken::new();
    tokio::spawn(watch(token.clone()));
    if flag {
        token.cancel();
    } else {
        token.cancel();
        work().await;
    }
}

async fn panics_are_not_exits(flag: bool) {
    let token = CancellationToken::new();
    tokio::spawn(watch(token.clone()));
    if flag {
        panic!("no way");
    }
    token.cancel();
}

fn exits_before_the_spawn(config: &Config) -> Result<()> {
    let token = CancellationToken::new();
    config.check()?;
    tokio::spawn(watch(token.clone()));
    token.cancel();
    Ok(())
}

fn returned(config: &Config) -> Result<CancellationToken> {
    let token = CancellationToken::new();
    tokio::spawn(watch(token.clone()));
    config.check()?;
    if config.stop {
        token.cancel();
    }
    Ok(token)
}

struct Service {
    token: CancellationToken,
}

fn stored_in_a_struct(config: &Config) -> Result<Service> {
    let token = CancellationToken::new();
    tokio::spawn(watch(token.clone()));
    config.check()?;
    if config.stop {
        token.cancel();
    }
    Ok(Service { token })
}

fn stored_in_a_field(&mut self) -> Result<()> {
    let token = CancellationToken::new();
    tokio::spawn(watch(token.clone()));
    self.check()?;
    if self.stop {
        token.cancel();
    }
    self.token = token;
    Ok(())
}

async fn sent_on_a_channel(tx: Sender<CancellationToken>) -> Result<()> {
    let token = CancellationToken::new();
    tokio::spawn(watch(token.clone()));
    check()?;
    if stop() {
        token.cancel();
    }
    tx.send(token).await?;
    Ok(())
}

async fn passed_by_value() -> Result<()> {
    let token = CancellationToken::new();
    tokio::spawn(watch(token.clone()));
    check()?;
    if stop() {
        token.cancel();
    }
    supervise(token).await
}

async fn only_lent(flag: bool) -> Result<()> {
    let token = CancellationToken::new();
    watch_here(&token).await?;
    token.cancel();
    Ok(())
}

async fn token_itself_moved_into_the_task() -> Result<()> {
    let token = CancellationToken::new();
    tokio::spawn(async move {
        token.cancelled().await;
    });
    check()?;
    Ok(())
}

async fn never_cancelled_here() -> Result<()> {
    // Someone else holds a clone and cancels it: not this function's job.
    let token = CancellationToken::new();
    let stopper = token.clone();
    tokio::spawn(async move {
        ctrl_c().await;
        stopper.cancel();
    });
    check()?;
    Ok(())
}

async fn closure_exits_are_not_exits() {
    let token = CancellationToken::new();
    tokio::spawn(watch(token.clone()));
    let parse = |s: &str| -> Result<u32> { Ok(s.parse()?) };
    parse("1");
    token.cancel();
}

#[tokio::main]
async fn main() -> Result<()> {
    let token = CancellationToken::new();
    tokio::spawn(watch(token.clone()));
    check()?;
    token.cancel();
    Ok(())
}

// Regression (iroh net_report): a local `JoinSet` aborts its tasks when it is dropped at the end
// of the function, so they cannot outlive it.
async fn local_join_set(probes: Vec<Probe>) -> Vec<Report> {
    let mut set = JoinSet::new();
    let cancel = CancellationToken::new();
    for probe in probes {
        set.spawn(cancel.child_token().run_until_cancelled_owned(probe.run()));
    }
    let mut reports = Vec::new();
    while let Some(r) = set.join_next().await {
        if reports.len() > 3 {
            cancel.cancel();
            break;
        }
        reports.push(r);
    }
    reports
}

async fn cancelled_inside_select(a: Receiver<()>, b: Receiver<()>) -> Result<()> {
    let token = CancellationToken::new();
    tokio::spawn(watch(token.clone()));
    tokio::select! {
        _ = a => token.cancel(),
        _ = b => token.cancel(),
    }
    Ok(())
}

async fn task_awaited_before_the_exits() -> Result<()> {
    let token = CancellationToken::new();
    let handle = tokio::spawn(watch(token.clone()));
    let report = handle.await?;
    if report.failed {
        return Err(report.error());
    }
    token.cancel();
    Ok(())
}

async fn task_aborted_before_the_exits(flag: bool) -> Result<()> {
    let token = CancellationToken::new();
    let mut handle = tokio::spawn(watch(token.clone()));
    if timeout(Duration::from_secs(1), &mut handle).await.is_err() {
        handle.abort();
        return Ok(());
    }
    token.cancel();
    Ok(())
}

async fn cancelled_by_a_callback(config: &Config) -> Result<()> {
    let token = CancellationToken::new();
    tokio::spawn(watch(token.clone()));
    let stopper = token.clone();
    on_signal(move || stopper.cancel());
    config.check()?;
    if config.stop {
        token.cancel();
    }
    Ok(())
}
