#pragma once
// The "Local server" switch of Settings: an OpenAI-compatible server (tern::Server, as `tern-cli
// serve` runs it) on this computer's loopback address, serving the model the chat has loaded.
// The server lives on its own thread, where it is started, stopped, handed each new model and
// asked for its counters once a second; the GUI thread only posts to it and reads the answers,
// so a slow stop (it cancels running answers) never freezes the window or the quit.
#include <QObject>
#include <QThread>
#include <QString>

namespace tern::app {

class ModelSession;
class ServerHost;
class Settings;

class LocalServer : public QObject {
    Q_OBJECT
    // What the switch shows: on while starting or serving. Setting it starts or stops the server
    // and is remembered (Settings.serverEnabled), so the server comes back at the next launch.
    Q_PROPERTY(bool enabled READ enabled WRITE setEnabled NOTIFY stateChanged)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(int port READ port NOTIFY configChanged)
    Q_PROPERTY(QString apiKey READ apiKey WRITE setApiKey NOTIFY configChanged)
    // "http://127.0.0.1:8080/v1" while serving, else "".
    Q_PROPERTY(QString url READ url NOTIFY stateChanged)
    // One line for people: "Serving at http://127.0.0.1:8080/v1", "Off", ...
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusChanged)
    // "3 requests served · 1 answer generated (24 tokens) · 1 in progress"; "" when off.
    Q_PROPERTY(QString countsText READ countsText NOTIFY statusChanged)
    Q_PROPERTY(qint64 requestsServed READ requestsServed NOTIFY statusChanged)
    Q_PROPERTY(int inFlight READ inFlight NOTIFY statusChanged)
    // Why the server is not running (a port in use, an invalid port); "" when nothing went wrong.
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
public:
    enum State { Off, Starting, Serving, Stopping };
    Q_ENUM(State)
    static constexpr const char* kHost = "127.0.0.1";  // loopback only: other machines cannot connect

    // Listens to session's engine worker for the model to serve; starts at once when the
    // settings say the server was on.
    LocalServer(Settings* settings, ModelSession* session, QObject* parent = nullptr);
    ~LocalServer() override;  // stops the server (cancelling running answers) and waits for it

    bool enabled() const { return state_ == Starting || state_ == Serving; }
    void setEnabled(bool on);
    State state() const { return state_; }
    int port() const;
    // The port as typed in the field: 1 to 65535, else an error and the port stays as it was.
    // A running server moves to the new port. True when taken.
    Q_INVOKABLE bool setPortText(const QString& text);
    QString apiKey() const;
    void setApiKey(const QString& key);  // surrounding spaces are dropped; a running server restarts
    QString url() const;
    QString statusText() const;
    QString countsText() const;
    qint64 requestsServed() const { return requests_; }
    int inFlight() const { return busy_ + queued_; }
    QString error() const { return error_; }
    // Puts url on the clipboard.
    Q_INVOKABLE void copyUrl() const;

Q_SIGNALS:
    void stateChanged();
    void configChanged();
    void statusChanged();
    void errorChanged();

private:
    void setState(State s);
    void setError(const QString& e);
    void postConfig();  // what the server should be now, to its thread

    Settings* settings_;
    QThread thread_;
    ServerHost* host_ = nullptr;  // lives on thread_
    State state_ = Off;
    int servingPort_ = 0;
    QString error_;
    bool modelLoaded_ = false;
    qint64 requests_ = 0, completions_ = 0, tokens_ = 0;
    int busy_ = 0, queued_ = 0;
};

}  // namespace tern::app
