#include "Logging.h"

#include <QtGlobal>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace tern::app {

namespace {
void qtToSpdlog(QtMsgType type, const QMessageLogContext&, const QString& msg) {
    const std::string s = msg.toStdString();
    switch (type) {
    case QtDebugMsg: spdlog::debug("qt: {}", s); break;
    case QtInfoMsg: spdlog::info("qt: {}", s); break;
    case QtWarningMsg: spdlog::warn("qt: {}", s); break;
    default: spdlog::error("qt: {}", s); break;
    }
}
}  // namespace

void initLogging(const QString& logDir) {
    try {
        // 5 files of 2 MB: enough for a bug report, never a disk hog.
        auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
            (logDir + QStringLiteral("/tern.log")).toStdString(), 2 * 1024 * 1024, 5);
        auto err = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        err->set_level(spdlog::level::warn);
        auto logger = std::make_shared<spdlog::logger>("tern", spdlog::sinks_init_list{file, err});
        logger->set_level(spdlog::level::info);
        logger->flush_on(spdlog::level::warn);
        spdlog::set_default_logger(logger);
    } catch (const spdlog::spdlog_ex&) {
        // Read-only home: keep the default stderr logger rather than fail to start.
    }
    qInstallMessageHandler(qtToSpdlog);
}

}  // namespace tern::app
