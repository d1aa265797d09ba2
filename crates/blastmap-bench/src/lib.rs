//! Nothing here: the engine benchmarks are in `benches/` (`cargo bench -p blastmap-bench`).
