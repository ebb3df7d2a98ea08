//! Any bytes as a design file: load, validate, estimate, simulate briefly.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    engine::fuzzing::load_validate_simulate(data);
});
