// Zstandard from Debian's libzstd-dev (Jetstream's compressed frames; the replay server trains
// a dictionary with zdict).
#include <zstd.h>
#include <zdict.h>
