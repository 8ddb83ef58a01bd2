#include "onbonemulator.h"

#include <QTimer>

namespace hall::emulators {

using namespace hall::drivers;
using onbon::Packet;

std::optional<OnbonCards::Area> OnbonCards::area(int screen, int id) const
{
    const auto it = m_areas.constFind(key(screen, id));
    return it == m_areas.cend() ? std::nullopt : std::optional<Area>(*it);
}

std::optional<onbon::Pixels> OnbonCards::shown(int screen, int id) const
{
    const auto a = area(screen, id);
    return a && !a->pages.isEmpty() ? std::optional<onbon::Pixels>(a->pages.first()) : std::nullopt;
}

void OnbonCards::reply(const Packet &request, quint16 error)
{
    onbon::Response r;
    r.command = error ? onbon::cmd::Nack : onbon::cmd::Ack;
    r.status = error ? 1 : 0;
    r.error = error;
    Packet p = onbon::replyTo(request, r);
    if (request.dst == onbon::AnyScreen || request.dst == 0xFFFF)
        p.src = quint16(screens.first());
    QByteArray raw = onbon::encodePacket(p);
    if (takeCorrupt())
        raw[raw.size() - 1] = char(raw.at(raw.size() - 1) ^ 0x21);
    transmit(takeGarbage() + onbon::frameOf(raw), thinkMs);
}

quint16 OnbonCards::update(int screen, const QByteArray &payload)
{
    onbon::DynamicArea a;
    QString why;
    if (!onbon::parseUpdateArea(model.generation, payload, &a, &why))
        return onbon::err::ScreenParameter;
    if (a.id >= model.maxAreas || a.width == 0 || a.height == 0 || a.x + a.width > screenWidth || a.y + a.height > screenHeight)
        return onbon::err::ScreenParameter;
    Area stored{a, {}};
    for (const onbon::Page &page : std::as_const(a.pages)) {
        onbon::Pixels px;
        if (!onbon::decodePixels(model.generation, dual, a.x, a.width, a.height, page.pixels, &px))
            return onbon::err::ScreenParameter;
        stored.pages.append(px);
    }
    m_areas.insert(key(screen, a.id), stored);
    ++m_updates;
    return 0;
}

void OnbonCards::handlePacket(const Packet &packet, const QByteArray &raw)
{
    requests.append(packet);
    if (echo)
        transmit(raw, 0);
    const bool wildcard = packet.dst == onbon::AnyScreen || packet.dst == 0xFFFF;
    onbon::Request q;
    QString why;
    if (!onbon::parseRequest(packet.data, &q, &why))
        return;
    if (!wildcard && !screens.contains(packet.dst))
        return; // no controller with this screen number on the link
    if (wildcard && (!(q.command == onbon::cmd::Ping) || screens.isEmpty()))
        return;
    const bool answer = q.wantReply;
    if (answer && takeSilence())
        return;
    if (const auto instead = answer ? takeInstead() : std::nullopt) {
        transmit(*instead, thinkMs);
        return;
    }
    if (const auto code = answer ? takeRefusal() : std::nullopt)
        return reply(packet, quint16(*code));
    quint16 error = 0;
    if (packet.deviceType != onbon::AnyDevice && packet.deviceType != model.deviceType) {
        error = onbon::err::ControllerType;
    } else if (q.command == onbon::cmd::Ping) {
        error = 0;
    } else if (q.command == onbon::cmd::UpdateArea) {
        error = update(packet.dst, q.payload);
    } else if (q.command == onbon::cmd::DeleteAreas) {
        QList<int> ids;
        bool all = false;
        if (!onbon::parseDeleteAreas(q.payload, &ids, &all, &why)) {
            error = onbon::err::ScreenParameter;
        } else {
            for (int id = 0; id < model.maxAreas; ++id) {
                if (all || ids.contains(id))
                    m_areas.remove(key(packet.dst, id));
            }
        }
    } else {
        error = q.command.group == 0xA2 || q.command.group == 0xA7 ? onbon::err::NoCommand : onbon::err::OutOfGroup;
    }
    if (answer)
        reply(packet, error);
}

void OnbonCards::takeStream(QByteArray &buffer)
{
    for (;;) {
        const QByteArray before = buffer;
        Packet p;
        qsizetype skipped = 0;
        const onbon::Parse r = onbon::takeFrame(buffer, &p, &skipped);
        if (r == onbon::Parse::NeedMore)
            return;
        if (r == onbon::Parse::Packet)
            handlePacket(p, before.mid(skipped, before.size() - skipped - buffer.size()));
        // A damaged frame is not answered: its screen number cannot be trusted.
    }
}

OnbonSerialEmulator::OnbonSerialEmulator(QString linkPath, int baud, QObject *parent)
    : PtyDevice(std::move(linkPath), baud, parent)
{
}

void OnbonSerialEmulator::unplug()
{
    PtyDevice::unplug();
    m_in.clear();
    powerCycle();
}

void OnbonSerialEmulator::onReceived(const QByteArray &bytes)
{
    m_in += bytes;
    takeStream(m_in);
}

OnbonNetEmulator::OnbonNetEmulator(Kind kind, QObject *parent)
    : QObject(parent), m_kind(kind), m_udp([this](const QByteArray &d) { received(d); })
{
}

OnbonNetEmulator::~OnbonNetEmulator() = default;

QString OnbonNetEmulator::url() const
{
    return QStringLiteral("%1://127.0.0.1:%2").arg(m_kind == Kind::Udp ? QStringLiteral("udp") : QStringLiteral("tcp")).arg(m_port);
}

bool OnbonNetEmulator::plug()
{
    if (m_kind == Kind::Udp) {
        const bool ok = m_udp.plug();
        m_port = m_udp.port();
        return ok;
    }
    if (m_server)
        return true;
    m_server = std::make_unique<QTcpServer>();
    if (!m_server->listen(QHostAddress::LocalHost, m_port)) {
        m_server.reset();
        return false;
    }
    m_port = m_server->serverPort();
    connect(m_server.get(), &QTcpServer::newConnection, this, &OnbonNetEmulator::accept);
    return true;
}

void OnbonNetEmulator::unplug()
{
    m_udp.unplug();
    if (m_client) {
        m_client->abort();
        m_client->deleteLater();
        m_client = nullptr;
    }
    m_server.reset();
    m_in.clear();
    powerCycle();
}

void OnbonNetEmulator::accept()
{
    while (QTcpSocket *s = m_server->nextPendingConnection()) {
        // One connection at a time, as the cards serve one PC: a new one replaces the old.
        if (m_client) {
            m_client->abort();
            m_client->deleteLater();
        }
        m_client = s;
        m_in.clear();
        connect(s, &QTcpSocket::readyRead, this, [this, s] {
            if (s != m_client)
                return;
            m_in += s->readAll();
            takeStream(m_in);
        });
    }
}

void OnbonNetEmulator::received(const QByteArray &datagram)
{
    QByteArray buffer = datagram;
    Packet p;
    // One frame a datagram; a datagram that is no frame is dropped like line noise.
    if (onbon::takeFrame(buffer, &p) == onbon::Parse::Packet)
        handlePacket(p, datagram);
}

void OnbonNetEmulator::transmit(const QByteArray &bytes, int delayMs)
{
    if (m_kind == Kind::Udp) {
        m_udp.reply(bytes, delayMs);
        return;
    }
    QTimer::singleShot(delayMs, this, [this, bytes, client = m_client] {
        if (m_client && m_client == client)
            m_client->write(bytes);
    });
}

} // namespace hall::emulators
