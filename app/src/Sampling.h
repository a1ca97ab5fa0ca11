#pragma once
// Sampling parameters as the app stores them (a QVariantMap with the keys below: the defaults in
// Settings, a chat's own overrides in the database) and as it passes them to the engine thread
// (SamplingParams, which EngineWorker::generate turns into the engine's GenerateOptions).
#include <QStringList>
#include <QVariantMap>

#include "EngineTypes.h"
#include "tern/generate.h"

namespace tern::app::sampling {

// temperature, topK, topP, minP, repeatPenalty, repeatLastN, maxTokens
const QStringList& keys();

// Only the known keys, each converted to its type (a double from JSON for topK becomes an int).
QVariantMap sanitize(const QVariantMap& params);

// `defaults` with `overrides` on top (unknown override keys are ignored).
QVariantMap merged(const QVariantMap& defaults, const QVariantMap& overrides);

// The typed parameters; missing keys keep SamplingParams' defaults.
SamplingParams fromMap(const QVariantMap& params);

// The engine's options for these parameters.
tern::GenerateOptions toGenerateOptions(const SamplingParams& params);

}  // namespace tern::app::sampling
