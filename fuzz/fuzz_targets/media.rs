//! Uploaded media: seed 003's base64 `image` / `audio` decoding
//! (`data:` prefixes, line breaks, spaces for `+`, URL-safe, no padding),
//! the JPEG check (a whole decode within the pixel budget) and the audio
//! magic.
//!
//! Input: one byte choosing the mode, then either base64 text (even) or the
//! file's bytes themselves (odd).
#![no_main]

use base64::Engine as _;
use kefu::fuzzing;
use kefu::media::MAX_IMAGE_BYTES;
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // kefu contains a panic of the third-party JPEG decoder (it refuses
        // the upload: `media::check_jpeg`), which libFuzzer's hook would
        // still abort on. A panic nothing catches still aborts: libfuzzer-sys
        // catches it around each input and aborts.
        std::panic::set_hook(Box::new(|info| eprintln!("contained: {info}")));
    },
    |data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let Ok(text) = std::str::from_utf8(rest) else {
            return;
        };
        if let Ok(bytes) = fuzzing::decode_base64(text, MAX_IMAGE_BYTES) {
            assert!(
                bytes.len() <= text.len(),
                "base64 decoded to more than its text"
            );
            let _ = fuzzing::check_jpeg(&bytes);
            let _ = fuzzing::audio_extension(&bytes);
        }
        return;
    }
    let _ = fuzzing::check_jpeg(rest);
    let _ = fuzzing::audio_extension(rest);
    // Whatever a client encodes, in any of the forms tolerated, decodes back.
    for encoded in [
        base64::engine::general_purpose::STANDARD.encode(rest),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rest),
        format!(
            "data:image/jpeg;base64,{}",
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(rest)
        ),
    ] {
        let decoded = fuzzing::decode_base64(&encoded, MAX_IMAGE_BYTES);
        assert_eq!(decoded.ok().as_deref(), Some(rest), "{encoded}");
    }
}
);
