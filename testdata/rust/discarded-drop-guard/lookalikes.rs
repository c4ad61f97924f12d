// Methods named `drop_guard` that take arguments belong to other types: never matched.
struct Pool;

impl Pool {
    fn drop_guard(&self, id: u32) -> Guard {
        Guard(id)
    }
}

fn other_types(pool: &Pool, registry: &Registry) {
    pool.drop_guard(7);
    let _ = registry.drop_guard("name");
    _ = pool.drop_guard(1);
}

fn not_a_statement(token: CancellationToken) {
    let guard = token.drop_guard();
    std::mem::forget(guard);
}

fn in_a_macro(token: CancellationToken) {
    // Macro arguments are token trees, not parsed calls.
    println!("{:?}", token.drop_guard());
}
