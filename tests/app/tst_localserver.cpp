// Settings → Local server, driven through the app's own objects: the bundled demo model is loaded
// the way the chat loads it (ModelSession and its engine worker), the server is switched on, and
// an HTTP client talks to it as another program on this computer would.
#include <QApplication>
#include <QClipboard>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QtTest>

#include <memory>

#include "AppContext.h"
#include "Conversations.h"
#include "EngineTypes.h"
#include "LocalServer.h"
#include "ModelSession.h"
#include "Settings.h"

using namespace tern::app;

namespace {

const QString kDemo = QStringLiteral(TERN_SOURCE_MODELS_DIR "/demo-ternary.gguf");

// A port nobody listens on now.
int freePort() {
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0)) return 0;
    return probe.serverPort();
}

struct Answer {
    int status = 0;  // 0: no HTTP answer
    QJsonObject json;
};

}  // namespace

class TestLocalServer : public QObject {
    Q_OBJECT
    std::unique_ptr<Settings> settings_;
    std::unique_ptr<AppContext> app_;
    QNetworkAccessManager net_;
    LocalServer* server() const { return app_->localServer(); }

    // One request as another program would send it; waits at most 60 s for the answer.
    Answer send(const QString& method, const QString& path, const QJsonObject& body = {}, const QString& key = {}) {
        QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(server()->port()).arg(path)));
        if (!key.isEmpty()) req.setRawHeader("Authorization", "Bearer " + key.toUtf8());
        QNetworkReply* reply = nullptr;
        if (method == QLatin1String("POST")) {
            req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
            reply = net_.post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
        } else {
            reply = net_.get(req);
        }
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(60000);
        Answer a;
        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        a.json = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return a;
    }

    void switchOn(int port) {
        QVERIFY(server()->setPortText(QString::number(port)));
        server()->setEnabled(true);
        QTRY_COMPARE_WITH_TIMEOUT(server()->state(), LocalServer::Serving, 10000);
    }
    void switchOff() {
        server()->setEnabled(false);
        QTRY_COMPARE_WITH_TIMEOUT(server()->state(), LocalServer::Off, 10000);
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        net_.setProxy(QNetworkProxy::NoProxy);
        settings_ = std::make_unique<Settings>();
        app_ = std::make_unique<AppContext>(settings_.get());
        QCOMPARE(server()->state(), LocalServer::Off);
        QCOMPARE(server()->port(), 8080);  // the default
        app_->session()->load(kDemo);
        QTRY_COMPARE_WITH_TIMEOUT(app_->session()->state(), ModelSession::Ready, 60000);
    }
    void cleanupTestCase() {
        app_.reset();
        settings_.reset();
    }

    // The switch on: /health says ok, a chat completion answers with the app's model, and the
    // counter the Settings page shows goes up; the URL goes to the clipboard.
    void servesTheLoadedModel() {
        const int port = freePort();
        switchOn(port);
        const QString url = QStringLiteral("http://127.0.0.1:%1/v1").arg(port);
        QCOMPARE(server()->url(), url);
        QTRY_COMPARE_WITH_TIMEOUT(server()->statusText(), QStringLiteral("Serving at ") + url, 5000);
        QVERIFY(server()->enabled());
        QVERIFY(settings_->serverEnabled());  // comes back at the next launch

        const Answer health = send(QStringLiteral("GET"), QStringLiteral("/health"));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        const Answer models = send(QStringLiteral("GET"), QStringLiteral("/v1/models"));
        QCOMPARE(models.status, 200);
        QCOMPARE(models.json[QStringLiteral("data")][0][QStringLiteral("id")].toString(), QStringLiteral("demo-ternary"));

        const qint64 before = server()->requestsServed();
        const QJsonObject body{
            {QStringLiteral("messages"),
             QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                    {QStringLiteral("content"), QStringLiteral("What is a harbor?")}}}},
            {QStringLiteral("temperature"), 0},
            {QStringLiteral("max_tokens"), 8}};
        const Answer chat = send(QStringLiteral("POST"), QStringLiteral("/v1/chat/completions"), body);
        QCOMPARE(chat.status, 200);
        const QString text = chat.json[QStringLiteral("choices")][0][QStringLiteral("message")][QStringLiteral("content")].toString();
        QVERIFY2(!text.trimmed().isEmpty(), qPrintable(QJsonDocument(chat.json).toJson()));
        const int generated = chat.json[QStringLiteral("usage")][QStringLiteral("completion_tokens")].toInt();
        QVERIFY(generated > 0 && generated <= 8);

        // Polled about once a second: the count includes the chat request and the ones before it.
        QTRY_VERIFY_WITH_TIMEOUT(server()->requestsServed() >= before + 1 && server()->requestsServed() >= 3, 5000);
        const QString counts = server()->countsText();
        QVERIFY2(counts.startsWith(QStringLiteral("%1 requests served").arg(server()->requestsServed())) &&
                     counts.contains(QStringLiteral("1 answer generated (%1 token").arg(generated)),
                 qPrintable(counts));
        QCOMPARE(server()->inFlight(), 0);

        server()->copyUrl();
        QCOMPARE(QGuiApplication::clipboard()->text(), url);
    }

    // The chat and the server, asked at once, both answer from the one model; greedy decoding
    // with the same settings gives both the same answer to the same question.
    void chatAndServerAnswerTogether() {
        settings_->setTemperature(0);
        settings_->setRepeatPenalty(1.0);
        settings_->setMaxTokens(32);
        const QString question = QStringLiteral("What is a lighthouse?");
        QNetworkRequest req(QUrl(server()->url() + QStringLiteral("/chat/completions")));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        const QJsonObject body{
            {QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                                {QStringLiteral("content"), question}}}},
            {QStringLiteral("temperature"), 0},
            {QStringLiteral("repeat_penalty"), 1.0},  // the server's default is the engine's (1.1)
            {QStringLiteral("max_tokens"), 32}};
        QNetworkReply* reply = net_.post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
        QSignalSpy served(reply, &QNetworkReply::finished);
        QSignalSpy answered(app_->conversations(), &Conversations::answerFinished);
        QVERIFY(app_->conversations()->send(question));
        QTRY_VERIFY_WITH_TIMEOUT(served.count() > 0 && answered.count() > 0, 60000);

        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        const QString fromServer = json[QStringLiteral("choices")][0][QStringLiteral("message")][QStringLiteral("content")].toString();
        const QString fromChat = answered[0][1].value<GenerationStats>().text;
        QVERIFY(!fromServer.trimmed().isEmpty());
        QCOMPARE(fromServer.trimmed(), fromChat.trimmed());
    }

    // Off: the port is free again for any program, and the status says so. The switch never
    // waits for the server, and the server does not wait long for a client that keeps its
    // connection open (as HTTP clients do; cpp-httplib's default kept it 5 s).
    void stopFreesThePort() {
        const int port = server()->port();
        QCOMPARE(send(QStringLiteral("GET"), QStringLiteral("/health")).status, 200);  // a connection kept alive
        QElapsedTimer clock;
        clock.start();
        server()->setEnabled(false);
        QVERIFY2(clock.elapsed() < 100, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(server()->state(), LocalServer::Stopping);
        QTRY_COMPARE_WITH_TIMEOUT(server()->state(), LocalServer::Off, 10000);
        QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(server()->statusText(), QStringLiteral("Off"));
        QVERIFY(server()->url().isEmpty());
        QVERIFY(!settings_->serverEnabled());
        QTcpServer again;
        QVERIFY2(again.listen(QHostAddress::LocalHost, quint16(port)), qPrintable(again.errorString()));
    }

    // A port another program holds: a message naming it, and the switch goes back off.
    void portInUseIsReported() {
        QTcpServer other;
        QVERIFY(other.listen(QHostAddress::LocalHost, 0));
        const int port = other.serverPort();
        QVERIFY(server()->setPortText(QString::number(port)));
        server()->setEnabled(true);
        QTRY_VERIFY_WITH_TIMEOUT(!server()->error().isEmpty(), 10000);
        QCOMPARE(server()->error(), QStringLiteral("Port %1 is in use by another program. Choose another port.").arg(port));
        QCOMPARE(server()->state(), LocalServer::Off);
        QVERIFY(!server()->enabled());
        QVERIFY(!settings_->serverEnabled());

        // A port that is no port: refused as typed, the one before stays.
        QVERIFY(!server()->setPortText(QStringLiteral("70000")));
        QCOMPARE(server()->error(), QStringLiteral("“70000” is not a port: choose a number from 1 to 65535."));
        QCOMPARE(server()->port(), port);
        QVERIFY(!server()->setPortText(QStringLiteral("http")));
        QCOMPARE(server()->port(), port);
        QCOMPARE(settings_->serverPort(), port);

        // Once the port is free, switching on works and clears the message.
        other.close();
        switchOn(port);
        QVERIFY(server()->error().isEmpty());
        switchOff();
    }

    // With a key set, /v1 needs it: without it 401, with it 200.
    void apiKeyIsRequired() {
        server()->setApiKey(QStringLiteral("  s3cret "));
        QCOMPARE(settings_->serverApiKey(), QStringLiteral("s3cret"));
        switchOn(freePort());
        const Answer without = send(QStringLiteral("GET"), QStringLiteral("/v1/models"));
        QCOMPARE(without.status, 401);
        QCOMPARE(without.json[QStringLiteral("error")][QStringLiteral("code")].toString(), QStringLiteral("invalid_api_key"));
        QCOMPARE(send(QStringLiteral("GET"), QStringLiteral("/v1/models"), {}, QStringLiteral("wrong")).status, 401);
        QCOMPARE(send(QStringLiteral("GET"), QStringLiteral("/v1/models"), {}, QStringLiteral("s3cret")).status, 200);

        // Taking the key away while serving restarts the server without it.
        server()->setApiKey({});
        QTRY_COMPARE_WITH_TIMEOUT(server()->state(), LocalServer::Serving, 10000);
        QCOMPARE(send(QStringLiteral("GET"), QStringLiteral("/v1/models")).status, 200);
        switchOff();
    }

    // The server follows the app's model: another load switches it, an unload makes /health 503.
    void followsTheAppsModel() {
        switchOn(freePort());
        app_->session()->load(QStringLiteral(TERN_SOURCE_MODELS_DIR "/demo-fp16.gguf"));
        QTRY_COMPARE_WITH_TIMEOUT(app_->session()->state(), ModelSession::Ready, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(send(QStringLiteral("GET"), QStringLiteral("/v1/models"))
                                      .json[QStringLiteral("data")][0][QStringLiteral("id")].toString(),
                                  QStringLiteral("demo-fp16"), 10000);
        QCOMPARE(server()->state(), LocalServer::Serving);

        app_->session()->unload();
        QTRY_COMPARE_WITH_TIMEOUT(send(QStringLiteral("GET"), QStringLiteral("/health")).status, 503, 10000);
        QCOMPARE(send(QStringLiteral("GET"), QStringLiteral("/health")).json.value(QStringLiteral("status")).toString(),
                 QStringLiteral("loading"));
        QTRY_VERIFY_WITH_TIMEOUT(server()->statusText().contains(QStringLiteral("no model is loaded")), 5000);
        switchOff();
    }

    // Quitting while a client streams a long answer: the app closes within a few seconds (the
    // answer is cancelled between two tokens) and the client's stream ends.
    void quitDuringAStreamDoesNotHang() {
        app_->session()->load(kDemo);
        QTRY_COMPARE_WITH_TIMEOUT(app_->session()->state(), ModelSession::Ready, 60000);
        switchOn(freePort());
        QNetworkRequest req(QUrl(server()->url() + QStringLiteral("/completions")));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        // Hot sampling, so the end-of-text token rarely comes: a long answer.
        const QJsonObject body{{QStringLiteral("prompt"), QStringLiteral("harbor")},
                               {QStringLiteral("stream"), true},
                               {QStringLiteral("temperature"), 2.0},
                               {QStringLiteral("top_k"), 0},
                               {QStringLiteral("top_p"), 1.0},
                               {QStringLiteral("min_p"), 0},
                               {QStringLiteral("seed"), 1},
                               {QStringLiteral("max_tokens"), 100000}};
        QNetworkReply* reply = net_.post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
        QByteArray streamed;
        connect(reply, &QNetworkReply::readyRead, this, [&] { streamed += reply->readAll(); });
        QTRY_VERIFY_WITH_TIMEOUT(streamed.count("data: {") >= 3, 30000);
        QVERIFY2(!reply->isFinished(), "the answer ended before the quit: nothing was tested");

        QElapsedTimer clock;
        clock.start();
        app_.reset();  // what quitting does
        QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
        streamed += reply->readAll();
        reply->deleteLater();
        QVERIFY2(streamed.trimmed().endsWith("data: [DONE]"), streamed.right(200).constData());
    }
};

QTEST_MAIN(TestLocalServer)
#include "tst_localserver.moc"
