//! `ba --version`: the version, then, as ripgrep prints them, the SIMD instructions the build was
//! compiled to assume and those this CPU has. ba's own code has no SIMD of its own: memchr, bytecount
//! and the regex engine's literal searchers choose among what the CPU has when they run. PCRE2 (`-P`)
//! is always built in; whether its JIT is depends on the target.

use std::sync::OnceLock;

/// What follows `ba ` in `ba --version`.
pub(crate) fn long() -> &'static str {
    static LONG: OnceLock<String> = OnceLock::new();
    LONG.get_or_init(|| {
        let (compiled, detected) = simd();
        format!(
            "{}\n\nfeatures: +mimalloc,+simd-runtime-dispatch,+pcre2\nsimd(compile): {compiled}\nsimd(runtime): \
             {detected}\n\n-P: {}\n\nmemchr, bytecount and the regex engine's literal search pick among \
             simd(runtime) as they run.",
            env!("CARGO_PKG_VERSION"),
            crate::search::pcre::version(),
        )
    })
}

/// `+SSE2,-SSSE3,-AVX2`: each instruction set, with whether it is there.
fn list(sets: &[(&str, bool)]) -> String {
    let signed: Vec<String> =
        sets.iter().map(|(name, on)| format!("{}{name}", if *on { '+' } else { '-' })).collect();
    signed.join(",")
}

/// The instruction sets the searchers dispatch on: what the build assumes, and what the CPU has.
#[cfg(target_arch = "x86_64")]
fn simd() -> (String, String) {
    let compiled = [
        ("SSE2", cfg!(target_feature = "sse2")),
        ("SSSE3", cfg!(target_feature = "ssse3")),
        ("AVX2", cfg!(target_feature = "avx2")),
    ];
    let detected = [
        ("SSE2", std::arch::is_x86_feature_detected!("sse2")),
        ("SSSE3", std::arch::is_x86_feature_detected!("ssse3")),
        ("AVX2", std::arch::is_x86_feature_detected!("avx2")),
    ];
    (list(&compiled), list(&detected))
}

#[cfg(target_arch = "aarch64")]
fn simd() -> (String, String) {
    let compiled = [("NEON", cfg!(target_feature = "neon"))];
    let detected = [("NEON", std::arch::is_aarch64_feature_detected!("neon"))];
    (list(&compiled), list(&detected))
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn simd() -> (String, String) {
    ("none".into(), "none".into())
}
