// The shared test support (data locator, CLI runner, store conformance suite) lands here from
// the "store" branch; this file only makes the target exist until then.
