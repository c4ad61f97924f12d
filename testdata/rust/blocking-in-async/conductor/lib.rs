// A crate whose test harness is a module compiled only for tests and for other crates' tests
// (holochain's `sweettest`): its files cannot see the `cfg` that makes them test code.
pub mod client;
#[cfg(any(test, feature = "test_utils"))]
pub mod sweettest;
#[cfg(test)]
mod local_network;
#[cfg(test)] mod settle;
#[cfg(test)]
#[allow(dead_code)]
mod peers;
