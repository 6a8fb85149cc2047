// Copyright sealflow authors.
// Private: what the PoDoFo incremental updates of the time-stamping files (document timestamps,
// DSS) share.
#pragma once

#include <podofo/podofo.h>

#include <chrono>

namespace sealflow::signing::pdf {

// Loading for update makes PoDoFo stamp the Info dictionary's /ModDate with the machine's local
// "now" (and invent an Info dictionary dated "now" for a document without one). Re-dates both to
// `when`, in UTC, so that the update's bytes depend on the injected clock only.
void PinInfoDates(PoDoFo::PdfMemDocument& doc, std::chrono::system_clock::time_point when);

}  // namespace sealflow::signing::pdf
