#pragma once
// Sampling parameters as the app stores and passes them (a QVariantMap with the keys below): the
// defaults in Settings, a chat's own overrides in the database, and what EngineWorker::generate
// turns into the engine's GenerateOptions.
#include <QStringList>
#include <QVariantMap>

#include "tern/generate.h"

namespace tern::app::sampling {

// temperature, topK, topP, minP, repeatPenalty, repeatLastN, maxTokens
const QStringList& keys();

// Only the known keys, each converted to its type (a double from JSON for topK becomes an int).
QVariantMap sanitize(const QVariantMap& params);

// `defaults` with `overrides` on top (unknown override keys are ignored).
QVariantMap merged(const QVariantMap& defaults, const QVariantMap& overrides);

// The engine's options for these parameters; missing keys keep the engine's defaults.
tern::GenerateOptions toGenerateOptions(const QVariantMap& params);

}  // namespace tern::app::sampling
