#pragma once
// SIGINT/SIGTERM end the app through the event loop (self-pipe + QSocketNotifier), so the engine
// thread is joined and the database closed as on a normal quit. Nothing Qt runs in the handler.
namespace tern::app {

void quitOnTerminationSignals();

}  // namespace tern::app
