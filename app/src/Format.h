#pragma once
// How numbers read in the app: one byte-unit convention, durations and rates in words. QML and
// C++ format through these, so the same file never shows two sizes.
#include <QObject>
#include <QString>

namespace tern::app {

class Format : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    Q_INVOKABLE static QString bytes(double bytes);
};

}  // namespace tern::app
