// The CLI runner (`CLI`) and the shared-data locator live in the VigieTestSupport target, which
// every test target shares; re-exported here so each CLI test file sees them.
@_exported import VigieTestSupport
