#include "LocalServer.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QHostAddress>
#include <QTcpServer>
#include <QTimer>

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

#include "EngineTypes.h"
#include "EngineWorker.h"
#include "ModelSession.h"
#include "Settings.h"

#ifdef TERN_HAVE_SERVER
#include "tern/server.h"
#endif

namespace tern::app {

namespace {

struct ServerConfig {
    bool enabled = false;
    int port = Settings::kDefaultServerPort;
    QString apiKey;
    bool operator==(const ServerConfig&) const = default;
};

// Why nothing could listen on the port, in words: asked again of the system, because the
// server's own error does not say whether the port is taken or forbidden.
QString whyCannotListen(int port, const QString& serverError) {
    QTcpServer probe;
    if (probe.listen(QHostAddress::LocalHost, quint16(port)))
        return LocalServer::tr("Could not start the server on port %1: %2").arg(port).arg(serverError);
    switch (probe.serverError()) {
        case QAbstractSocket::AddressInUseError:
            return LocalServer::tr("Port %1 is in use by another program. Choose another port.").arg(port);
        case QAbstractSocket::SocketAccessError:
            return LocalServer::tr("Port %1 needs administrator rights. Choose a port above 1023.").arg(port);
        default:
            return LocalServer::tr("Could not listen on port %1: %2").arg(port).arg(probe.errorString());
    }
}

}  // namespace

// The server's side, on its own thread: every tern::Server call happens here, one at a time.
class ServerHost : public QObject {
    Q_OBJECT
public:
    ServerHost() {
        poll_.setInterval(1000);
        connect(&poll_, &QTimer::timeout, this, &ServerHost::report);
    }
    ~ServerHost() override { stopServer(); }

    void configure(const ServerConfig& config) {
        want_ = config;
        reconcile();
    }
    void setModel(const SharedModel& model, int nCtx) {
        model_ = model;
        if (model) nCtx_ = nCtx;
        reconcile();
        report();
    }

Q_SIGNALS:
    void serving(int port);
    void stopped();
    void failed(const QString& error);
    void counts(bool loaded, qint64 requests, qint64 completions, qint64 tokens, int busy, int queued);

private:
    // Makes the running server match what is wanted: stops it when it is switched off or its
    // port, key or context must change (a restart; answers running then are cancelled), starts
    // it when it should run, and hands it the current model.
    void reconcile() {
#ifdef TERN_HAVE_SERVER
        const bool restart = server_ && (!want_.enabled || want_ != running_ || nCtx_ != runningCtx_);
        if (restart) stopServer();
        if (!want_.enabled) return;  // stopServer said so
        if (!server_) {
            ServerOptions o;
            o.host = LocalServer::kHost;
            o.port = want_.port;
            o.api_key = want_.apiKey.toStdString();
            o.n_parallel = 1;  // one KV cache beside the chat's
            o.keep_alive_seconds = 1;  // switching off (and quitting) waits this long for idle clients
            o.session.n_ctx = nCtx_;  // the chat's context; 0 (no model yet): the model's own
            auto server = std::make_unique<Server>(o);
            try {
                server->start();
            } catch (const std::exception& e) {
                spdlog::warn("local server: {}", e.what());
                want_.enabled = false;
                Q_EMIT failed(whyCannotListen(want_.port, QString::fromUtf8(e.what())));
                return;
            }
            server_ = std::move(server);
            running_ = want_;
            runningCtx_ = nCtx_;
            served_ = nullptr;
            spdlog::info("local server at {}/v1", server_->url());
            poll_.start();
            Q_EMIT serving(server_->port());
        }
        if (served_ != model_) {
            try {
                server_->set_model(model_);
                served_ = model_;
            } catch (const std::exception& e) {
                spdlog::warn("local server: {}", e.what());
                want_.enabled = false;
                stopServer();
                Q_EMIT failed(LocalServer::tr("The server cannot run this model: %1").arg(QString::fromUtf8(e.what())));
                return;
            }
        }
        report();
#else
        if (want_.enabled) {
            want_.enabled = false;
            Q_EMIT failed(LocalServer::tr("This build of Tern has no local server (it was built without cpp-httplib)."));
        }
#endif
    }

    // Says so (stopped) unless it restarts: then serving or failed follows.
    void stopServer() {
#ifdef TERN_HAVE_SERVER
        if (!server_) return;
        poll_.stop();
        server_.reset();  // stop(): cancels running answers within a token, joins the threads
        served_ = nullptr;
        if (!want_.enabled) Q_EMIT stopped();
#endif
    }

    void report() {
#ifdef TERN_HAVE_SERVER
        if (!server_) return;
        const ServerStats s = server_->stats();
        Q_EMIT counts(s.loaded, qint64(s.requests), qint64(s.completions), qint64(s.completion_tokens), s.busy,
                      s.queued);
#endif
    }

    ServerConfig want_, running_;
    SharedModel model_, served_;
    int nCtx_ = 0, runningCtx_ = 0;
    QTimer poll_{this};  // a child, so that it moves to the server's thread with its host
#ifdef TERN_HAVE_SERVER
    std::unique_ptr<Server> server_;
#endif
};

LocalServer::LocalServer(Settings* settings, ModelSession* session, QObject* parent)
    : QObject(parent), settings_(settings) {
    host_ = new ServerHost;
    host_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, host_, &QObject::deleteLater);
    thread_.setObjectName(QStringLiteral("tern-server"));
    connect(session->worker(), &EngineWorker::modelShared, host_, &ServerHost::setModel);

    connect(host_, &ServerHost::serving, this, [this](int port) {
        servingPort_ = port;
        setError({});
        setState(Serving);
    });
    connect(host_, &ServerHost::stopped, this, [this] {
        servingPort_ = 0;
        if (state_ == Serving || state_ == Stopping) setState(Off);
    });
    connect(host_, &ServerHost::failed, this, [this](const QString& error) {
        servingPort_ = 0;
        settings_->setServerEnabled(false);
        setError(error);
        setState(Off);
    });
    connect(host_, &ServerHost::counts, this,
            [this](bool loaded, qint64 requests, qint64 completions, qint64 tokens, int busy, int queued) {
                if (state_ != Serving) return;  // a last poll that crossed a stop or restart
                modelLoaded_ = loaded;
                requests_ = requests;
                completions_ = completions;
                tokens_ = tokens;
                busy_ = busy;
                queued_ = queued;
                Q_EMIT statusChanged();
            });
    thread_.start();
    if (settings_->serverEnabled()) setEnabled(true);
}

LocalServer::~LocalServer() {
    thread_.quit();  // the host's destructor stops the server on its thread
    thread_.wait();
}

void LocalServer::setState(State s) {
    if (s == state_) return;
    state_ = s;
    if (s != Serving) requests_ = completions_ = tokens_ = busy_ = queued_ = 0;
    Q_EMIT stateChanged();
    Q_EMIT statusChanged();
}

void LocalServer::setError(const QString& e) {
    if (e == error_) return;
    error_ = e;
    Q_EMIT errorChanged();
}

void LocalServer::setEnabled(bool on) {
    settings_->setServerEnabled(on);
    if (on == enabled()) return;
    if (on) setError({});
    setState(on ? Starting : (state_ == Serving ? Stopping : Off));
    postConfig();
}

int LocalServer::port() const { return settings_->serverPort(); }

bool LocalServer::setPortText(const QString& text) {
    bool ok = false;
    const int p = text.trimmed().toInt(&ok);
    if (!ok || p < 1 || p > 65535) {
        setError(tr("“%1” is not a port: choose a number from 1 to 65535.").arg(text.trimmed()));
        Q_EMIT configChanged();  // the field shows the port in use again
        return false;
    }
    setError({});
    if (p == port()) return true;
    settings_->setServerPort(p);
    Q_EMIT configChanged();
    if (enabled()) {
        setState(Starting);
        postConfig();
    }
    return true;
}

QString LocalServer::apiKey() const { return settings_->serverApiKey(); }

void LocalServer::setApiKey(const QString& key) {
    const QString k = key.trimmed();
    if (k == apiKey()) return;
    settings_->setServerApiKey(k);
    Q_EMIT configChanged();
    if (enabled()) {
        setState(Starting);
        postConfig();
    }
}

void LocalServer::postConfig() {
    const ServerConfig c{enabled(), port(), apiKey()};
    QMetaObject::invokeMethod(host_, [host = host_, c] { host->configure(c); }, Qt::QueuedConnection);
}

QString LocalServer::url() const {
    if (state_ != Serving) return {};
    return QStringLiteral("http://%1:%2/v1").arg(QLatin1String(kHost)).arg(servingPort_);
}

QString LocalServer::statusText() const {
    switch (state_) {
        case Off: return tr("Off");
        case Starting: return tr("Starting…");
        case Stopping: return tr("Stopping…");
        case Serving: break;
    }
    const QString at = tr("Serving at %1").arg(url());
    return modelLoaded_ ? at : at + tr(" — no model is loaded: requests get “503 loading” until you load one");
}

QString LocalServer::countsText() const {
    if (state_ != Serving) return {};
    QString t = requests_ == 1 ? tr("1 request served") : tr("%L1 requests served").arg(requests_);
    if (completions_ > 0)
        t += QStringLiteral(" · ") +
             (completions_ == 1 ? tr("1 answer generated") : tr("%L1 answers generated").arg(completions_)) +
             QStringLiteral(" (") + (tokens_ == 1 ? tr("1 token") : tr("%L1 tokens").arg(tokens_)) +
             QStringLiteral(")");
    if (busy_ > 0) t += QStringLiteral(" · ") + tr("%1 in progress").arg(busy_);
    if (queued_ > 0) t += QStringLiteral(" · ") + tr("%1 waiting").arg(queued_);
    return t;
}

void LocalServer::copyUrl() const {
    if (auto* clipboard = QGuiApplication::clipboard(); clipboard && !url().isEmpty()) clipboard->setText(url());
}

}  // namespace tern::app

#include "LocalServer.moc"
