<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AuditController</name>
    <message>
        <source>hall: give a hall's code, or "server" for sign-ins and other server-wide operations.</source>
        <translation>hall：请给出大厅编码，或用 "server" 查看登录等全服务器范围的操作。</translation>
    </message>
    <message>
        <source>from, to: ISO 8601 times, e.g. 2026-11-23T08:00:00+08:00.</source>
        <translation>from、to：ISO 8601 时间，例如 2026-11-23T08:00:00+08:00。</translation>
    </message>
    <message>
        <source>after: an entry number; limit: 1 to 500.</source>
        <translation>after：条目序号；limit：1 到 500。</translation>
    </message>
    <message>
        <source>The audit trail could not be read: %1</source>
        <translation>无法读取审计记录：%1</translation>
    </message>
</context>
<context>
    <name>AuditTrail</name>
    <message>
        <source>entry %1 (%2, %3, %4 %5)</source>
        <translation>第 %1 条（%2，%3，%4 %5）</translation>
    </message>
    <message>
        <source>not signed in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <source>%1 exists already; an audit key is never overwritten (heads signed with it would no longer verify).</source>
        <translation>%1 已存在；审计密钥从不覆盖（否则用它签名的链头将无法验证）。</translation>
    </message>
    <message>
        <source>OpenSSL could not make an SM2 key.</source>
        <translation>OpenSSL 无法生成 SM2 密钥。</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>%1 is not an SM2 private key in PEM (make one with: hall-server audit keygen FILE).</source>
        <translation>%1 不是 PEM 格式的 SM2 私钥（可用 hall-server audit keygen FILE 生成）。</translation>
    </message>
    <message>
        <source>The audit head could not be signed with the SM2 key.</source>
        <translation>无法用 SM2 密钥对审计链头签名。</translation>
    </message>
    <message>
        <source>The audit key is not an SM2 private key in PEM (make one with: hall-server audit keygen FILE).</source>
        <translation>审计密钥不是 PEM 格式的 SM2 私钥（可用 hall-server audit keygen FILE 生成）。</translation>
    </message>
    <message>
        <source>hall %1</source>
        <translation>大厅 %1</translation>
    </message>
    <message>
        <source>server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>%1: entry %2 was removed.</source>
        <translation>%1：第 %2 条已被删除。</translation>
    </message>
    <message>
        <source>%1: entries %2 to %3 were removed.</source>
        <translation>%1：第 %2 至 %3 条已被删除。</translation>
    </message>
    <message>
        <source>%1: %2 was changed: its content does not match its hash.</source>
        <translation>%1：%2 已被篡改：内容与其哈希不符。</translation>
    </message>
    <message>
        <source>%1: %2 is out of order: it was written after entry %3.</source>
        <translation>%1：%2 顺序被调换：它原写在第 %3 条之后。</translation>
    </message>
    <message>
        <source>%1: %2 starts a new chain: the entries before it were replaced.</source>
        <translation>%1：%2 开始了一条新链：它之前的记录已被替换。</translation>
    </message>
    <message>
        <source>%1: the entry written before %2 is missing.</source>
        <translation>%1：写在 %2 之前的记录缺失。</translation>
    </message>
    <message>
        <source>%1: the signed head at entry %2 (%3) is not signed by this key.</source>
        <translation>%1：第 %2 条处的签名链头（%3）不是用此密钥签名的。</translation>
    </message>
    <message>
        <source>%1: entry %2, whose head was signed at %3, is gone: the chain was cut.</source>
        <translation>%1：第 %2 条（其链头于 %3 签名）已不存在：审计链被截断。</translation>
    </message>
    <message>
        <source>%1: the chain up to entry %2 was rewritten: it no longer matches the head signed at %3.</source>
        <translation>%1：截至第 %2 条的审计链已被重写：与 %3 签名的链头不再一致。</translation>
    </message>
    <message>
        <source>An export is signed: give the audit key (--audit-key FILE or --audit-keychain).</source>
        <translation>导出文件需要签名：请给出审计密钥（--audit-key 文件 或 --audit-keychain）。</translation>
    </message>
    <message>
        <source>--from and --to need two times, the first before the second (e.g. --from 2026-11-01 --to 2026-12-01).</source>
        <translation>--from 和 --to 需要两个时间，前者早于后者（例如 --from 2026-11-01 --to 2026-12-01）。</translation>
    </message>
    <message>
        <source>%1 exists already; an export is never overwritten.</source>
        <translation>%1 已存在；导出文件从不覆盖。</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>verify-export needs the public key the export was signed with: --audit-public-key FILE.</source>
        <translation>verify-export 需要签名所用的公钥：--audit-public-key 文件。</translation>
    </message>
    <message>
        <source>The signature does not match: the file was changed after it was signed, or another key signed it.</source>
        <translation>签名不符：文件在签名后被修改，或由其他密钥签名。</translation>
    </message>
    <message>
        <source>Line 1 is not the header of an audit export.</source>
        <translation>第 1 行不是审计导出文件的文件头。</translation>
    </message>
    <message>
        <source>Line %1 is not an audit entry.</source>
        <translation>第 %1 行不是审计条目。</translation>
    </message>
    <message>
        <source>Line %1: %2 was changed: its content does not match its hash.</source>
        <translation>第 %1 行：%2 被修改：内容与其哈希不符。</translation>
    </message>
    <message>
        <source>Line %1: %2 does not follow entry %3 of its chain.</source>
        <translation>第 %1 行：%2 未接在其链的条目 %3 之后。</translation>
    </message>
    <message>
        <source>The keychain holds an audit key "%1" already; an audit key is never overwritten (heads signed with it would no longer verify).</source>
        <translation>密钥链中已有审计密钥 "%1"；审计密钥从不覆盖（否则用它签名的链头将无法验证）。</translation>
    </message>
    <message>
        <source>it exists already</source>
        <translation>文件已存在</translation>
    </message>
    <message>
        <source>The keychain holds no audit key "%1" (make one with: hall-server audit keygen --keychain FILE.pub).</source>
        <translation>密钥链中没有审计密钥 "%1"（可用以下命令生成：hall-server audit keygen --keychain 文件.pub）。</translation>
    </message>
    <message>
        <source>The keychain's entry "%1" is not an SM2 private key.</source>
        <translation>密钥链条目 "%1" 不是 SM2 私钥。</translation>
    </message>
    <message>
        <source>%1 exists already; a signed file is never overwritten.</source>
        <translation>%1 已存在；签名文件从不覆盖。</translation>
    </message>
    <message>
        <source>The file could not be signed: give the SM2 key (--audit-key FILE or --audit-keychain).</source>
        <translation>无法对文件签名：请提供 SM2 密钥（--audit-key FILE 或 --audit-keychain）。</translation>
    </message>
    <message>
        <source>audit key</source>
        <translation>审计密钥</translation>
    </message>
</context>
<context>
    <name>AuthController</name>
    <message>
        <source>The login or password is wrong.</source>
        <translation>登录名或密码错误。</translation>
    </message>
    <message numerus="yes">
        <source>Too many sign-in attempts; try again in %n second(s).</source>
        <translation>
            <numerusform>登录尝试过多，请 %n 秒后再试。</numerusform>
        </translation>
    </message>
    <message>
        <source>Too many sign-ins at once; try again in a moment.</source>
        <translation>同时登录的请求过多，请稍后再试。</translation>
    </message>
    <message>
        <source>This request takes no body.</source>
        <translation>此请求不接受请求体。</translation>
    </message>
    <message>
        <source>There is no account "%1".</source>
        <translation>没有账号“%1”。</translation>
    </message>
    <message>
        <source>An administrator cannot disable their own account.</source>
        <translation>管理员不能停用自己的账号。</translation>
    </message>
    <message>
        <source>The password of this account was changed; sign in again.</source>
        <translation>此账号的密码已更改，请重新登录。</translation>
    </message>
    <message>
        <source>This password is published with the demo data and is not accepted here; an administrator sets a new one with "hall-server account password".</source>
        <translation>此密码随演示数据公开发布，本服务不接受；请管理员用 "hall-server account password" 设置新密码。</translation>
    </message>
    <message>
        <source>This password was set for you; choose your own with POST /api/v1/auth/password before signing in.</source>
        <translation>此密码由他人为您设置；登录前请用 POST /api/v1/auth/password 设置您自己的密码。</translation>
    </message>
    <message numerus="yes">
        <source>This password is older than %n day(s); choose a new one with POST /api/v1/auth/password.</source>
        <translation>
            <numerusform>此密码已超过 %n 天，请用 POST /api/v1/auth/password 设置新密码。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Choose a password other than your last %n.</source>
        <translation>
            <numerusform>请选择与最近 %n 个密码都不同的密码。</numerusform>
        </translation>
    </message>
    <message>
        <source>The accounts could not be read: %1</source>
        <translation>无法读取账户：%1</translation>
    </message>
    <message>
        <source>This hall signs people in by certificate only; sign in with your certificate or USB key.</source>
        <translation>本大厅人员只能使用证书登录；请使用您的证书或 USB Key 登录。</translation>
    </message>
    <message>
        <source>The account of this certificate cannot be read; try again.</source>
        <translation>无法读取该证书对应的账号；请重试。</translation>
    </message>
    <message>
        <source>This certificate is not assigned to an account here; an administrator assigns it with "hall-server account certificate add".</source>
        <translation>该证书未绑定本服务的任何账号；请管理员用 "hall-server account certificate add" 绑定。</translation>
    </message>
    <message>
        <source>The account of this certificate is disabled.</source>
        <translation>该证书对应的账号已停用。</translation>
    </message>
    <message>
        <source>Say "allowed": true or false.</source>
        <translation>请给出 "allowed": true 或 false。</translation>
    </message>
    <message>
        <source>There is no hall "%1".</source>
        <translation>不存在大厅“%1”。</translation>
    </message>
    <message>
        <source>The halls could not be read: %1</source>
        <translation>无法读取大厅：%1</translation>
    </message>
    <message>
        <source>This certificate subject is not assigned to %1.</source>
        <translation>此证书主题未绑定到 %1。</translation>
    </message>
    <message>
        <source>The certificate you signed in with is no longer assigned to your account; sign in again.</source>
        <translation>您登录所用的证书已不再绑定到您的账户，请重新登录。</translation>
    </message>
    <message>
        <source>The certificates could not be read: %1</source>
        <translation>无法读取证书：%1</translation>
    </message>
    <message>
        <source>The certificate you signed in with has been revoked by the hall CA.</source>
        <translation>您登录所用的证书已被大厅 CA 吊销。</translation>
    </message>
    <message>
        <source>This session was ended on the server (by an administrator); sign in again.</source>
        <translation>此会话已被管理员在服务器上结束，请重新登录。</translation>
    </message>
</context>
<context>
    <name>BlobController</name>
    <message>
        <source>The blob store could not be read or written; try again.</source>
        <translation>无法读写材料文件存储；请重试。</translation>
    </message>
    <message>
        <source>This server has no blob folder configured.</source>
        <translation>此服务器未配置材料文件目录。</translation>
    </message>
    <message>
        <source>algorithm: sha256 or sm3; hash: its 64 lower-case hex digits.</source>
        <translation>algorithm：sha256 或 sm3；hash：其 64 位小写十六进制数字。</translation>
    </message>
    <message>
        <source>size: 1 to %1 bytes.</source>
        <translation>size：1 至 %1 字节。</translation>
    </message>
    <message>
        <source>There is no upload %1 in this hall (it was discarded or never started); start one with POST blobs/uploads.</source>
        <translation>本大厅没有上传 %1（已被丢弃或从未开始）；请用 POST blobs/uploads 重新开始。</translation>
    </message>
    <message>
        <source>The path names a blob as {algorithm}/{hash}: sha256 or sm3 and 64 lower-case hex digits.</source>
        <translation>路径以 {algorithm}/{hash} 指定文件：sha256 或 sm3，以及 64 位小写十六进制数字。</translation>
    </message>
    <message>
        <source>offset: the position of this chunk in the blob, a whole number.</source>
        <translation>offset：此分块在文件中的位置，须为整数。</translation>
    </message>
    <message>
        <source>The chunk is empty.</source>
        <translation>分块为空。</translation>
    </message>
    <message>
        <source>The blob was announced with %1 bytes; this chunk would end at %2.</source>
        <translation>此文件声明为 %1 字节；此分块将结束于 %2。</translation>
    </message>
    <message>
        <source>This blob is %1 bytes (or an upload of it with that size is under way), not %2.</source>
        <translation>此文件为 %1 字节（或正以该大小上传），而不是 %2 字节。</translation>
    </message>
    <message>
        <source>The server has %1 bytes of this blob; send from there, not from %2.</source>
        <translation>服务器已有此文件的 %1 字节；请从该处继续发送，而不是从 %2。</translation>
    </message>
    <message>
        <source>The %1 bytes received have the %2 hash %3, not the one announced; the upload was discarded, start it again.</source>
        <translation>收到的 %1 字节的 %2 摘要为 %3，与声明的不符；本次上传已丢弃，请重新上传。</translation>
    </message>
    <message>
        <source>record: the record the blob is fetched through, as kind/key (e.g. material/…); a blob is only ever read through one.</source>
        <translation>record：读取该文件所经由的记录，格式为 kind/key（如 material/…）；文件只能经由引用它的记录读取。</translation>
    </message>
    <message>
        <source>No record %1 of this hall references this blob.</source>
        <translation>本大厅没有记录 %1 引用此文件。</translation>
    </message>
</context>
<context>
    <name>BlobStore</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 is empty.</source>
        <translation>%1 为空。</translation>
    </message>
    <message>
        <source>No key for the cache: the blob is not stored (never in clear).</source>
        <translation>缓存没有密钥：文件未保存（绝不以明文保存）。</translation>
    </message>
    <message>
        <source>Cannot make the blob folder %1.</source>
        <translation>无法创建材料文件目录 %1。</translation>
    </message>
    <message>
        <source>The %1 digest is not available.</source>
        <translation>%1 摘要算法不可用。</translation>
    </message>
    <message>
        <source>Cannot read the list of exported blobs %1: %2</source>
        <translation>无法读取导出的二进制文件清单 %1：%2</translation>
    </message>
    <message>
        <source>No key for the cache: exported blobs cannot be checked.</source>
        <translation>缓存没有密钥：无法校验导出的二进制文件。</translation>
    </message>
    <message>
        <source>Not a line of an export's blob list: %1</source>
        <translation>不是导出二进制文件清单中的有效行：%1</translation>
    </message>
    <message>
        <source>The exported blob %1 does not open with this cache's key or is damaged; nothing of it was imported.</source>
        <translation>导出的二进制文件 %1 无法用本缓存的密钥打开或已损坏；未导入任何内容。</translation>
    </message>
</context>
<context>
    <name>BridgeConfig</name>
    <message>
        <source>%1: must be an object %2</source>
        <translation>%1：必须是对象 %2</translation>
    </message>
    <message>
        <source>%1.address: bus address %2 is given twice</source>
        <translation>%1.address：总线地址 %2 重复出现</translation>
    </message>
    <message>
        <source>请 %number 号</source>
        <translation>请 %number 号</translation>
    </message>
    <message>
        <source>暂停服务</source>
        <translation>暂停服务</translation>
    </message>
    <message>
        <source>为您服务</source>
        <translation>为您服务</translation>
    </message>
    <message>
        <source>The configuration file %1 is not right: %2</source>
        <translation>配置文件 %1 有误：%2</translation>
    </message>
    <message>
        <source>The bridge file %1 cannot be read: %2</source>
        <translation>无法读取联动配置文件 %1：%2</translation>
    </message>
    <message>
        <source>%1.window: window %2 has a bar already</source>
        <translation>%1.window：%2 号窗口已有条屏</translation>
    </message>
    <message>
        <source>%1.address: %2 address %3 shows another window already</source>
        <translation>%1.address：%2 的地址 %3 已用于另一个窗口</translation>
    </message>
    <message>
        <source>loginMode: "%1" is not staff-id or window</source>
        <translation>loginMode：“%1”不是 staff-id 或 window</translation>
    </message>
    <message>
        <source>voice.quiet: "from" and "to" are the same time; leave "quiet" out for no quiet hours</source>
        <translation>voice.quiet：“from”与“to”时间相同；如不需要静音时段，请删除“quiet”</translation>
    </message>
    <message>
        <source>outbox: evaluators need an outbox file, where ratings wait for the server</source>
        <translation>outbox：配置了评价器就需要待发文件，评价在其中等待发送到服务器</translation>
    </message>
    <message>
        <source>The bridge file %1 is not right: %2</source>
        <translation>联动配置文件 %1 有误：%2</translation>
    </message>
</context>
<context>
    <name>CallerBusSerial</name>
    <message>
        <source>Device %1 sent an acknowledgement of an unknown device type.</source>
        <translation>设备 %1 发送的确认帧中设备类型未知。</translation>
    </message>
    <message>
        <source>Device %1 sent a refusal with %2 data bytes instead of 1.</source>
        <translation>设备 %1 发送的拒绝帧含 %2 个数据字节，应为 1 个。</translation>
    </message>
    <message>
        <source>Caller %1 sent a key report of a wrong length.</source>
        <translation>呼叫器 %1 发送的按键报告长度错误。</translation>
    </message>
    <message>
        <source>Caller %1 sent an unknown key code 0x%2.</source>
        <translation>呼叫器 %1 发送了未知按键码 0x%2。</translation>
    </message>
    <message>
        <source>Caller %1 sent a number with characters that are not digits.</source>
        <translation>呼叫器 %1 发送的号码中含有非数字字符。</translation>
    </message>
    <message>
        <source>Evaluator %1 sent a rating of a wrong length.</source>
        <translation>评价器 %1 发送的评价数据长度错误。</translation>
    </message>
    <message>
        <source>Evaluator %1 sent rating %2; ratings are 1 to 5.</source>
        <translation>评价器 %1 发送的评价值为 %2，评价值应为 1 至 5。</translation>
    </message>
    <message>
        <source>Device %1 answered with unknown command 0x%2.</source>
        <translation>设备 %1 以未知命令 0x%2 应答。</translation>
    </message>
</context>
<context>
    <name>CallerCommands</name>
    <message>
        <source>Type the ticket number, then press Special call.</source>
        <translation>请先输入票号，再按“特呼”键。</translation>
    </message>
    <message>
        <source>Type the window number to transfer to, then press Transfer.</source>
        <translation>请先输入要转往的窗口号，再按“转移”键。</translation>
    </message>
    <message>
        <source>Type the window number, then press Login.</source>
        <translation>请先输入窗口号，再按“登录”键。</translation>
    </message>
    <message>
        <source>Type your staff ID, then press Login.</source>
        <translation>请先输入工号，再按“登录”键。</translation>
    </message>
    <message>
        <source>This caller belongs to no officer; set one for window login.</source>
        <translation>此呼叫器未绑定工作人员；如需按窗口号登录，请先为其设置工作人员。</translation>
    </message>
    <message>
        <source>A rating is 1 to 5, not %1.</source>
        <translation>评价值应为 1 至 5，而不是 %1。</translation>
    </message>
    <message>
        <source>Unknown caller key.</source>
        <translation>未知的呼叫器按键。</translation>
    </message>
    <message>
        <source>Very dissatisfied</source>
        <translation>非常不满意</translation>
    </message>
    <message>
        <source>Dissatisfied</source>
        <translation>不满意</translation>
    </message>
    <message>
        <source>Fairly satisfied</source>
        <translation>基本满意</translation>
    </message>
    <message>
        <source>Satisfied</source>
        <translation>满意</translation>
    </message>
    <message>
        <source>Very satisfied</source>
        <translation>非常满意</translation>
    </message>
</context>
<context>
    <name>ClientCertificates</name>
    <message>
        <source>Cannot read the client CA file %1: %2</source>
        <translation>无法读取客户端 CA 文件 %1：%2</translation>
    </message>
    <message>
        <source>The client CA file %1 holds no PEM certificate.</source>
        <translation>客户端 CA 文件 %1 中没有 PEM 证书。</translation>
    </message>
    <message>
        <source>Cannot read the CRL file %1: %2</source>
        <translation>无法读取 CRL 文件 %1：%2</translation>
    </message>
    <message>
        <source>The CRL file %1 holds no certificate revocation list (PEM or DER).</source>
        <translation>CRL 文件 %1 中没有证书吊销列表（PEM 或 DER）。</translation>
    </message>
    <message>
        <source>This server does not sign in by certificate (it was started without --client-ca).</source>
        <translation>本服务未开启证书登录（启动时未指定 --client-ca）。</translation>
    </message>
    <message>
        <source>No client certificate came with the connection: connect over https with the officer's certificate.</source>
        <translation>连接未携带客户端证书：请使用工作人员证书通过 https 连接。</translation>
    </message>
    <message>
        <source>The client certificate cannot be read.</source>
        <translation>无法读取客户端证书。</translation>
    </message>
    <message>
        <source>The client certificate has expired; ask the hall CA for a new one.</source>
        <translation>客户端证书已过期；请向大厅 CA 申请新证书。</translation>
    </message>
    <message>
        <source>The client certificate is not valid yet; check the clock of this computer and of the server.</source>
        <translation>客户端证书尚未生效；请检查本机和服务器的时钟。</translation>
    </message>
    <message>
        <source>The client certificate has been revoked by the hall CA.</source>
        <translation>客户端证书已被大厅 CA 吊销。</translation>
    </message>
    <message>
        <source>The client certificate is not meant for signing in (it needs key usage digitalSignature and extended key usage clientAuth).</source>
        <translation>该客户端证书不能用于登录（需要密钥用法 digitalSignature 和扩展密钥用法 clientAuth）。</translation>
    </message>
    <message>
        <source>The hall's certificate revocation list is missing or out of date, so no certificate can be checked; an administrator must refresh it (docs/operations.md).</source>
        <translation>大厅的证书吊销列表缺失或已过期，无法校验任何证书；请管理员更新（见 docs/operations.md）。</translation>
    </message>
    <message>
        <source>The client certificate was not issued by this hall's CA (%1).</source>
        <translation>客户端证书不是本大厅 CA 签发的（%1）。</translation>
    </message>
</context>
<context>
    <name>ClipLibrary</name>
    <message>
        <source>Cannot read the clip list %1.</source>
        <translation>无法读取语音片段清单 %1。</translation>
    </message>
    <message>
        <source>Voice clip %1 ("%2"): %3</source>
        <translation>语音片段 %1（“%2”）：%3</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <source>Voice clip %1 is recorded at %2 Hz, the others at %3 Hz.</source>
        <translation>语音片段 %1 的采样率为 %2 Hz，其他片段为 %3 Hz。</translation>
    </message>
    <message>
        <source>The clip list %1 names no clips.</source>
        <translation>语音片段清单 %1 中没有任何片段。</translation>
    </message>
</context>
<context>
    <name>CodeScanner</name>
    <message>
        <source>options.%1: unknown option of the codescanner driver (a typo?).</source>
        <translation>options.%1：codescanner 驱动没有此选项（是否拼写错误？）。</translation>
    </message>
    <message>
        <source>options.mode: "%1" is neither "serial" nor "hid" (keyboard-wedge).</source>
        <translation>options.mode：“%1”既不是 "serial"，也不是 "hid"（键盘仿真）。</translation>
    </message>
    <message>
        <source>options.%1 applies to keyboard-wedge scanners (mode "hid") only.</source>
        <translation>options.%1 仅适用于键盘仿真扫码器（mode 为 "hid"）。</translation>
    </message>
    <message>
        <source>options.%1 applies to serial scanners only, not to mode "hid".</source>
        <translation>options.%1 仅适用于串口扫码器，不适用于 mode "hid"。</translation>
    </message>
    <message>
        <source>options.terminator: "%1" is not one of enter, tab.</source>
        <translation>options.terminator：“%1”不是 enter、tab 之一。</translation>
    </message>
    <message>
        <source>options.terminator: "%1" is not one of auto, cr, lf, crlf, tab.</source>
        <translation>options.terminator：“%1”不是 auto、cr、lf、crlf、tab 之一。</translation>
    </message>
    <message>
        <source>options.encoding: "%1" is not one of auto, utf-8, gb18030.</source>
        <translation>options.encoding：“%1”不是 auto、utf-8、gb18030 之一。</translation>
    </message>
    <message>
        <source>options.encoding: this build cannot decode GB18030 (Qt without ICU); set "utf-8".</source>
        <translation>options.encoding：当前版本无法解码 GB18030（Qt 未启用 ICU），请设为 "utf-8"。</translation>
    </message>
    <message>
        <source>options.baud: %1 is not a serial speed (scanners use 9600 or 115200).</source>
        <translation>options.baud：%1 不是有效的串口波特率（扫码器通常使用 9600 或 115200）。</translation>
    </message>
    <message>
        <source>options.altCodes: this build cannot decode GB18030 (Qt without ICU).</source>
        <translation>options.altCodes：当前版本无法解码 GB18030（Qt 未启用 ICU）。</translation>
    </message>
    <message>
        <source>options.altCodes: "%1" is not one of unicode, gb18030.</source>
        <translation>options.altCodes：“%1”不是 unicode、gb18030 之一。</translation>
    </message>
    <message>
        <source>options.device: a keyboard-wedge scanner needs its input node, like /dev/input/by-id/usb-…-event-kbd.</source>
        <translation>options.device：键盘仿真扫码器需要指定其输入设备节点，如 /dev/input/by-id/usb-…-event-kbd。</translation>
    </message>
    <message>
        <source>The scanner sent more than %1 bytes without ending the code; they were dropped. Check that the scanner ends each scan with the configured terminator.</source>
        <translation>扫码器发送了超过 %1 字节的数据仍未结束本次扫码，这些数据已丢弃。请检查扫码器是否在每次扫码后发送所配置的结束符。</translation>
    </message>
    <message>
        <source>The scan is not valid %1 text (%2 bytes); it was refused. Check the scanner's character encoding setting.</source>
        <translation>扫码内容不是有效的 %1 文本（%2 字节），已拒绝。请检查扫码器的字符编码设置。</translation>
    </message>
    <message>
        <source>The scan does not start with the configured prefix "%1"; it was refused. Check the scanner's prefix setting and options.prefix.</source>
        <translation>扫码内容未以配置的前缀“%1”开头，已拒绝。请检查扫码器的前缀设置和 options.prefix。</translation>
    </message>
    <message>
        <source>The scan does not end with the configured suffix "%1"; it was refused. Check the scanner's suffix setting and options.suffix.</source>
        <translation>扫码内容未以配置的后缀“%1”结尾，已拒绝。请检查扫码器的后缀设置和 options.suffix。</translation>
    </message>
    <message>
        <source>The scan contains the control character 0x%1, which no code carries; it was refused as line noise.</source>
        <translation>扫码内容包含控制字符 0x%1，任何码制都不会含有该字符，已作为线路干扰拒绝。</translation>
    </message>
</context>
<context>
    <name>Database</name>
    <message>
        <source>No database file was given.</source>
        <translation>未指定数据库文件。</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
    <message>
        <source>Not a PostgreSQL URL: %1 (expected postgres://user:password@host:port/database)</source>
        <translation>不是有效的 PostgreSQL 地址：%1（应为 postgres://user:password@host:port/database）</translation>
    </message>
    <message>
        <source>Cannot open the database %1: %2</source>
        <translation>无法打开数据库 %1：%2</translation>
    </message>
</context>
<context>
    <name>DeviceController</name>
    <message>
        <source>device: a name of 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.</source>
        <translation>device：名称为 1 至 64 个字母、数字、'.'、'_' 或 '-'，以字母或数字开头。</translation>
    </message>
    <message>
        <source>%1: unknown field.</source>
        <translation>%1：未知字段。</translation>
    </message>
    <message>
        <source>parts: a list of 1 to %1 parts, each {"part", "state"[, "message"]}.</source>
        <translation>parts：1 至 %1 个部件的列表，每项为 {"part", "state"[, "message"]}。</translation>
    </message>
    <message>
        <source>%1: an object {"part", "state"[, "message"]}.</source>
        <translation>%1：应为对象 {"part", "state"[, "message"]}。</translation>
    </message>
    <message>
        <source>%1.%2: unknown field.</source>
        <translation>%1.%2：未知字段。</translation>
    </message>
    <message>
        <source>%1.part: a name of 1 to 40 lower-case letters, digits, '.', '_', ':' or '-' ("printer", "ledbar:3").</source>
        <translation>%1.part：名称为 1 至 40 个小写字母、数字、'.'、'_'、':' 或 '-'（如 "printer"、"ledbar:3"）。</translation>
    </message>
    <message>
        <source>%1.part: "%2" is listed twice.</source>
        <translation>%1.part：“%2”重复出现。</translation>
    </message>
    <message>
        <source>%1.state: one of %2.</source>
        <translation>%1.state：应为 %2 之一。</translation>
    </message>
    <message>
        <source>%1.message: a text.</source>
        <translation>%1.message：应为文本。</translation>
    </message>
    <message>
        <source>%1.message: at most %2 characters.</source>
        <translation>%1.message：最多 %2 个字符。</translation>
    </message>
    <message>
        <source>every: how often the device reports, in whole seconds from 5 to 3600.</source>
        <translation>every：设备上报间隔，5 至 3600 的整数秒。</translation>
    </message>
    <message>
        <source>age: how many seconds ago the device saw this state, a whole number from 0 to 604800.</source>
        <translation>age：设备在多少秒前观察到此状态，0 至 604800 的整数。</translation>
    </message>
    <message>
        <source>Device %1 belongs to another account; each device reports only its own status.</source>
        <translation>设备 %1 属于另一个账号；每台设备只能上报自己的状态。</translation>
    </message>
    <message>
        <source>This hall already has %1 devices reporting; no more are taken.</source>
        <translation>本大厅已有 %1 台设备上报状态，不再接受新的设备。</translation>
    </message>
    <message>
        <source>call: the call's id NUMBER@WINDOW, e.g. "A001@3".</source>
        <translation>call：呼叫的标识 号码@窗口，例如 "A001@3"。</translation>
    </message>
    <message>
        <source>call: %1 is not a window of this hall.</source>
        <translation>call：%1 不是本大厅的窗口。</translation>
    </message>
    <message>
        <source>state: started or finished.</source>
        <translation>state：应为 started 或 finished。</translation>
    </message>
</context>
<context>
    <name>DeviceManager</name>
    <message>
        <source>%1: role "%2" is configured twice</source>
        <translation>%1：角色“%2”重复配置</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>Role "%1" already has a device.</source>
        <translation>角色“%1”已配置设备。</translation>
    </message>
    <message>
        <source>%1: unknown role "%2" (%3, or set options.class)</source>
        <translation>%1：未知角色“%2”（可用 %3，或设置 options.class）</translation>
    </message>
</context>
<context>
    <name>DeviceOptions</name>
    <message>
        <source>options.%1: "%2" is not a whole number from %3 to %4.</source>
        <translation>options.%1：“%2”不是 %3 至 %4 之间的整数。</translation>
    </message>
    <message>
        <source>options.%1: give true or false, not "%2".</source>
        <translation>options.%1：应为 true 或 false，而不是“%2”。</translation>
    </message>
    <message>
        <source>options.%1: "%2" is not one of %3.</source>
        <translation>options.%1：“%2”不在可选值之内（%3）。</translation>
    </message>
    <message>
        <source>options.%1: give a text in quotes, not "%2".</source>
        <translation>options.%1：请填写带引号的文字，而不是“%2”。</translation>
    </message>
    <message>
        <source>options.%1: unknown option of the %2 driver (it takes %3).</source>
        <translation>options.%1：%2 驱动没有这个选项（可用选项：%3）。</translation>
    </message>
</context>
<context>
    <name>DisplayConfig</name>
    <message>
        <source>The configuration file %1 is not right: %2</source>
        <translation>配置文件 %1 有误：%2</translation>
    </message>
</context>
<context>
    <name>DocumentCamera</name>
    <message>
        <source>options.%1: unknown option of the camera-uvc driver (a typo?).</source>
        <translation>options.%1：camera-uvc 驱动没有此选项（是否拼写错误？）。</translation>
    </message>
    <message>
        <source>options.resolution: "%1" is not a size like 4160x3120.</source>
        <translation>options.resolution：“%1”不是有效的尺寸，应形如 4160x3120。</translation>
    </message>
    <message>
        <source>options.fieldMm: "%1" is not a length from 50 to 2000 mm (or 0: unknown).</source>
        <translation>options.fieldMm：“%1”不是 50 至 2000 mm 之间的长度（或 0：未知）。</translation>
    </message>
    <message>
        <source>options.%1 needs options.pedal, the foot pedal's input device.</source>
        <translation>options.%1 需要同时设置 options.pedal（脚踏开关的输入设备）。</translation>
    </message>
    <message>
        <source>options.pedalKey: "%1" is no key name like KEY_B or KEY_F5 (or "any").</source>
        <translation>options.pedalKey：“%1”不是有效的按键名，应形如 KEY_B 或 KEY_F5（或 "any"）。</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Camera %1 is in use by another program (another capture window, a video call?): close it and try again.</source>
        <translation>高拍仪 %1 正被其他程序占用（另一个采集窗口？视频通话？）：请关闭该程序后重试。</translation>
    </message>
    <message>
        <source>Camera %1 may not be opened by this user: add the user to the "video" group or install a udev rule for the camera.</source>
        <translation>当前用户无权打开高拍仪 %1：请将该用户加入 "video" 组，或为高拍仪安装 udev 规则。</translation>
    </message>
    <message>
        <source>Camera %1 reported an error: %2</source>
        <translation>高拍仪 %1 报告错误：%2</translation>
    </message>
</context>
<context>
    <name>Engine</name>
    <message>
        <source>There is no business "%1" in this hall.</source>
        <translation>本大厅没有业务“%1”。</translation>
    </message>
    <message>
        <source>There is no window "%1" in this hall.</source>
        <translation>本大厅没有窗口“%1”。</translation>
    </message>
    <message>
        <source>Nobody is logged in at window %1.</source>
        <translation>%1号窗口无人登录。</translation>
    </message>
    <message>
        <source>Window %1 is paused; resume it first.</source>
        <translation>%1号窗口已暂停服务，请先恢复服务。</translation>
    </message>
    <message>
        <source>%1 is paused; no tickets are issued for it now.</source>
        <translation>%1已暂停办理，当前不能取号。</translation>
    </message>
    <message>
        <source>No window is serving %1 at the moment.</source>
        <translation>当前没有窗口办理%1。</translation>
    </message>
    <message>
        <source>%1 is not taking tickets at this time.</source>
        <translation>当前不在%1的取号时间内。</translation>
    </message>
    <message>
        <source>当前业务取号数量已满</source>
        <translation>当前业务取号数量已满</translation>
    </message>
    <message>
        <source>This person may not take tickets until %1.</source>
        <translation>该办事人在 %1 之前不能取号。</translation>
    </message>
    <message>
        <source>This person already holds ticket %1 for %2; reprint it instead.</source>
        <translation>该办事人已取得%2的号 %1，请直接补打。</translation>
    </message>
    <message>
        <source>All numbers of %1 for today are used (%2).</source>
        <translation>%1今日号码已全部取完（%2）。</translation>
    </message>
    <message>
        <source>The ID number is not valid; read the card again.</source>
        <translation>身份证号码无效，请重新读卡。</translation>
    </message>
    <message>
        <source>The mobile number is not valid.</source>
        <translation>手机号码无效。</translation>
    </message>
    <message>
        <source>Tickets of this kind are not issued here.</source>
        <translation>不支持此类取号方式。</translation>
    </message>
    <message>
        <source>%1 has no priority level "%2".</source>
        <translation>%1没有优先级“%2”。</translation>
    </message>
    <message>
        <source>An appointment code of 1 to 32 characters is required.</source>
        <translation>请填写预约码，长度为 1 至 32 个字符。</translation>
    </message>
    <message>
        <source>Appointment %1 already exists.</source>
        <translation>预约 %1 已存在。</translation>
    </message>
    <message>
        <source>The appointment slot must have a start before its end.</source>
        <translation>预约时段的开始时间必须早于结束时间。</translation>
    </message>
    <message>
        <source>The appointment slot is already over.</source>
        <translation>该预约时段已过。</translation>
    </message>
    <message>
        <source>This person may not book until %1.</source>
        <translation>该办事人在 %1 之前不能预约。</translation>
    </message>
    <message>
        <source>There is no appointment %1.</source>
        <translation>预约 %1 不存在。</translation>
    </message>
    <message>
        <source>Appointment %1 is already checked in as ticket %2; reprint it instead.</source>
        <translation>预约 %1 已签到，票号为 %2，请直接补打。</translation>
    </message>
    <message>
        <source>Appointment %1 is for %2, not today.</source>
        <translation>预约 %1 的日期是 %2，不是今天。</translation>
    </message>
    <message>
        <source>Check-in for appointment %1 opens at %2.</source>
        <translation>预约 %1 将于 %2 开始签到。</translation>
    </message>
    <message>
        <source>No appointment for today was found for this ID card.</source>
        <translation>未查询到该身份证今日的预约。</translation>
    </message>
    <message>
        <source>There is no ticket %1 today.</source>
        <translation>今日没有票号 %1。</translation>
    </message>
    <message>
        <source>Ticket %1 is closed; it cannot be reprinted.</source>
        <translation>票号 %1 已结束，不能补打。</translation>
    </message>
    <message>
        <source>Ticket %1 is itself a sub ticket.</source>
        <translation>票号 %1 本身就是子号。</translation>
    </message>
    <message>
        <source>Ticket %1 is not open.</source>
        <translation>票号 %1 当前不处于有效状态。</translation>
    </message>
    <message>
        <source>Window %1 does not handle %2.</source>
        <translation>%1号窗口不办理%2。</translation>
    </message>
    <message>
        <source>Between 1 and 100 release passwords can be made at once.</source>
        <translation>每次可生成 1 至 100 个放号密码。</translation>
    </message>
    <message>
        <source>This release password was already used.</source>
        <translation>该放号密码已被使用。</translation>
    </message>
    <message>
        <source>This release password is not valid today.</source>
        <translation>该放号密码今日无效。</translation>
    </message>
    <message>
        <source>Give a valid ID number or mobile number.</source>
        <translation>请提供有效的身份证号码或手机号码。</translation>
    </message>
    <message>
        <source>The end date must be today or later.</source>
        <translation>结束日期不能早于今天。</translation>
    </message>
    <message>
        <source>A reason is required.</source>
        <translation>请填写原因。</translation>
    </message>
    <message>
        <source>This person is not on the blacklist.</source>
        <translation>该办事人不在黑名单中。</translation>
    </message>
    <message>
        <source>Window %1 is in use by another officer; they must log out first.</source>
        <translation>%1号窗口正由其他工作人员使用，须其先退出登录。</translation>
    </message>
    <message>
        <source>Window %1 is already paused.</source>
        <translation>%1号窗口已暂停服务。</translation>
    </message>
    <message>
        <source>Choose a pause type.</source>
        <translation>请选择暂停类型。</translation>
    </message>
    <message>
        <source>Finish, transfer or hang up the current ticket before pausing.</source>
        <translation>暂停服务前，请先办结、转移或挂起当前号。</translation>
    </message>
    <message>
        <source>Window %1 is not paused.</source>
        <translation>%1号窗口未暂停服务。</translation>
    </message>
    <message>
        <source>Nobody is waiting for window %1.</source>
        <translation>%1号窗口当前无人等候。</translation>
    </message>
    <message>
        <source>Window %1 has no called ticket to recall.</source>
        <translation>%1号窗口没有可重呼的已叫号。</translation>
    </message>
    <message>
        <source>Ticket %1 is not waiting in the queue.</source>
        <translation>票号 %1 不在排队等候中。</translation>
    </message>
    <message>
        <source>Ticket %1 is not for window %2.</source>
        <translation>票号 %1 不属于%2号窗口。</translation>
    </message>
    <message>
        <source>Ticket %1 is not hung up.</source>
        <translation>票号 %1 未被挂起。</translation>
    </message>
    <message>
        <source>Ticket %1 was hung up at another window.</source>
        <translation>票号 %1 是在其他窗口挂起的。</translation>
    </message>
    <message>
        <source>Window %1 has no called ticket to start.</source>
        <translation>%1号窗口没有可开始办理的已叫号。</translation>
    </message>
    <message>
        <source>Window %1 has no ticket to finish.</source>
        <translation>%1号窗口没有可办结的号。</translation>
    </message>
    <message>
        <source>Only a called ticket whose holder did not come can be marked missed.</source>
        <translation>只有已叫号但办事人未到场的号才能标记为过号。</translation>
    </message>
    <message>
        <source>Only a ticket being served at window %1 can be transferred.</source>
        <translation>只有%1号窗口正在办理的号才能转移。</translation>
    </message>
    <message>
        <source>Choose the window or the business to transfer to.</source>
        <translation>请选择要转移到的窗口或业务。</translation>
    </message>
    <message>
        <source>A ticket cannot be transferred to its own window.</source>
        <translation>不能将号转移到其当前所在的窗口。</translation>
    </message>
    <message>
        <source>No other window handles %1.</source>
        <translation>没有其他窗口办理%1。</translation>
    </message>
    <message>
        <source>Window %1 has no ticket to hang up.</source>
        <translation>%1号窗口没有可挂起的号。</translation>
    </message>
    <message>
        <source>A lease holds 1 to %1 numbers.</source>
        <translation>一个号段可含 1 至 %1 个号码。</translation>
    </message>
    <message>
        <source>A lease is for one device; name it.</source>
        <translation>号段只租给一台设备，请写明设备。</translation>
    </message>
    <message>
        <source>This device already holds %1 leases of %2 with numbers left; use them first.</source>
        <translation>本设备已持有 %1 个尚有余号的%2号段，请先用完。</translation>
    </message>
    <message>
        <source>Ticket %1 was issued on %2; offline tickets count only on the day of their lease.</source>
        <translation>%1 号于 %2 取号；离线票号仅在号段当天有效。</translation>
    </message>
    <message>
        <source>Number %1 is not inside a lease this device holds today.</source>
        <translation>号码 %1 不在本设备今日所租的号段内。</translation>
    </message>
    <message>
        <source>Ticket %1 has an issue time in the future (%2); check the kiosk's clock.</source>
        <translation>%1 号的取号时间在将来（%2），请检查取号机的时钟。</translation>
    </message>
    <message>
        <source>Ticket %1 was issued before its lease was granted (%2).</source>
        <translation>%1 号的取号时间早于号段发放时间（%2）。</translation>
    </message>
    <message>
        <source>The lease of %1 ended at %2; ticket %1 was issued after it.</source>
        <translation>%1 所在号段已于 %2 结束，该号在此之后取出。</translation>
    </message>
    <message>
        <source>Number %1 was taken into the queue already; a number is used once.</source>
        <translation>号码 %1 已进入队列；每个号码只能使用一次。</translation>
    </message>
    <message>
        <source>Ticket %1 is not waiting; only a waiting ticket can be voided.</source>
        <translation>%1 号不在等候中，只有等候中的票才能作废。</translation>
    </message>
    <message>
        <source>Number %1 was handed back with the rest of its lease at %2; it is never issued.</source>
        <translation>号码 %1 已于 %2 随所在号段的剩余部分交回，永不再发放。</translation>
    </message>
    <message>
        <source>Device %1 holds no lease %2 today.</source>
        <translation>设备 %1 今天没有号段 %2。</translation>
    </message>
    <message>
        <source>used: how many numbers of the lease were issued, 0 to %1.</source>
        <translation>used：该号段已发出的号码数，0 至 %1。</translation>
    </message>
    <message>
        <source>Lease %1 was handed back from number %2 on already; handed-back numbers never return.</source>
        <translation>号段 %1 已从第 %2 号起交回；交回的号码不能收回。</translation>
    </message>
    <message>
        <source>Ticket %1 of this lease is in the queue already; %2 numbers cannot have been issued.</source>
        <translation>该号段的票号 %1 已在队列中；已发出的号码不可能只有 %2 个。</translation>
    </message>
    <message>
        <source>All numbers of %1 for today are given out (%2–%3); no more can be leased.</source>
        <translation>%1 今日号码已全部发放（%2–%3），无法再租用号段。</translation>
    </message>
</context>
<context>
    <name>EscPosPrinter</name>
    <message>
        <source>cutter error</source>
        <translation>切刀错误</translation>
    </message>
    <message>
        <source>mechanical error</source>
        <translation>机械错误</translation>
    </message>
    <message>
        <source>unrecoverable error</source>
        <translation>不可恢复错误</translation>
    </message>
    <message>
        <source>print head too hot or voltage out of range</source>
        <translation>打印头过热或电压超出范围</translation>
    </message>
    <message>
        <source>unspecified error</source>
        <translation>未指明的错误</translation>
    </message>
    <message>
        <source>Element %1: text size %2 is not possible (1 to %3).</source>
        <translation>第 %1 项：不支持文字大小 %2（可用 1 至 %3）。</translation>
    </message>
    <message>
        <source>Element %1: a QR code needs data.</source>
        <translation>第 %1 项：二维码缺少数据。</translation>
    </message>
    <message>
        <source>Element %1: %2 bytes are too many for a QR code (at most %3).</source>
        <translation>第 %1 项：%2 字节超出二维码容量（最多 %3 字节）。</translation>
    </message>
    <message>
        <source>Element %1: QR module size %2 is not possible (1 to %3).</source>
        <translation>第 %1 项：不支持二维码模块大小 %2（可用 1 至 %3）。</translation>
    </message>
    <message>
        <source>Element %1: cannot feed %2 lines (0 to %3).</source>
        <translation>第 %1 项：无法走纸 %2 行（可用 0 至 %3 行）。</translation>
    </message>
</context>
<context>
    <name>FieldCipher</name>
    <message>
        <source>The encrypted field is cut short.</source>
        <translation>加密字段不完整（被截断）。</translation>
    </message>
    <message>
        <source>The encrypted field has a format this version does not know (written by a newer HallSuite?).</source>
        <translation>加密字段的格式本版本无法识别（可能由更新版本的 HallSuite 写入）。</translation>
    </message>
    <message>
        <source>The encrypted field names an algorithm this version does not know.</source>
        <translation>加密字段使用了本版本无法识别的算法。</translation>
    </message>
    <message>
        <source>The encrypted field was written with another key.</source>
        <translation>加密字段是用另一个密钥写入的。</translation>
    </message>
    <message>
        <source>The encrypted field failed its integrity check: it was altered, cut short, or copied from another place.</source>
        <translation>加密字段未通过完整性校验：已被篡改、截断，或从其他位置复制而来。</translation>
    </message>
    <message>
        <source>The cryptographic library failed.</source>
        <translation>密码库运行失败。</translation>
    </message>
</context>
<context>
    <name>HallBridge</name>
    <message>
        <source>HallSuite bridge</source>
        <translation>HallSuite 联动服务</translation>
    </message>
    <message>
        <source>The window LED bars, the hall's voice and the caller bus, following the queue.</source>
        <translation>跟随排队状态驱动窗口条屏、大厅语音和呼叫器总线。</translation>
    </message>
    <message>
        <source>The bridge file (JSON) instead of the one in the configuration.</source>
        <translation>使用此联动配置文件（JSON），而不是配置中指定的文件。</translation>
    </message>
    <message>
        <source>No bridge file: name one as "app": {"bridge": "bridge.json"} or with --bridge.</source>
        <translation>没有联动配置文件：请在配置中写 "app": {"bridge": "bridge.json"}，或用 --bridge 指定。</translation>
    </message>
    <message>
        <source>voice.engine: %1</source>
        <translation>voice.engine：%1</translation>
    </message>
    <message>
        <source>The outbox %1 cannot be opened: %2</source>
        <translation>无法打开待发文件 %1：%2</translation>
    </message>
    <message>
        <source>bars</source>
        <translation>条屏</translation>
    </message>
    <message>
        <source>voice</source>
        <translation>语音</translation>
    </message>
</context>
<context>
    <name>HallCapture</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>the scripted capture did not finish</source>
        <translation>脚本化采集未完成</translation>
    </message>
    <message>
        <source>Capture a paper material with a document camera or scanner and save it as a PDF.</source>
        <translation>用高拍仪或扫描仪采集纸质材料，并保存为 PDF。</translation>
    </message>
    <message>
        <source>Role of the document camera in the configuration (default: camera).</source>
        <translation>高拍仪在配置中的角色（默认：camera）。</translation>
    </message>
    <message>
        <source>Role of the scanner in the configuration (default: docscanner).</source>
        <translation>扫描仪在配置中的角色（默认：docscanner）。</translation>
    </message>
    <message>
        <source>Name of the material, shown and used as the PDF title.</source>
        <translation>材料名称，显示在界面上并用作 PDF 标题。</translation>
    </message>
    <message>
        <source>Size cap of the material in KiB (0: none).</source>
        <translation>材料的大小上限，单位 KiB（0：不限）。</translation>
    </message>
    <message>
        <source>Turn new photos clockwise by 0, 90, 180 or 270 degrees (remembered).</source>
        <translation>将新拍摄的照片顺时针旋转 0、90、180 或 270 度（此设置会被记住）。</translation>
    </message>
    <message>
        <source>Kiosk layout: large controls, fewer tools.</source>
        <translation>自助终端布局：控件更大，工具更少。</translation>
    </message>
    <message>
        <source>Save the PDF here instead of asking.</source>
        <translation>将 PDF 直接保存到此文件，不再询问。</translation>
    </message>
    <message>
        <source>Scripted: then one scan.</source>
        <translation>脚本：然后扫描一次。</translation>
    </message>
    <message>
        <source>Scripted: then show this page.</source>
        <translation>脚本：然后显示指定的页。</translation>
    </message>
    <message>
        <source>Scripted: then start cropping it.</source>
        <translation>脚本：然后开始裁剪该页。</translation>
    </message>
    <message>
        <source>HallSuite material capture</source>
        <translation>HallSuite 材料采集</translation>
    </message>
    <message>
        <source>The configuration has neither a document camera (role "%1") nor a scanner (role "%2").</source>
        <translation>配置中既没有高拍仪（角色“%1”），也没有扫描仪（角色“%2”）。</translation>
    </message>
    <message>
        <source>Save as PDF…</source>
        <translation>保存为 PDF…</translation>
    </message>
    <message>
        <source>Start again</source>
        <translation>重新开始</translation>
    </message>
    <message numerus="yes">
        <source>Delete all %n page(s)?</source>
        <translation>
            <numerusform>删除全部 %n 页？</numerusform>
        </translation>
    </message>
    <message>
        <source>Save as PDF</source>
        <translation>保存为 PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message numerus="yes">
        <source>Saved %n page(s) as %1 (%2 KiB).</source>
        <translation>
            <numerusform>已将 %n 页保存为 %1（%2 KiB）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Scripted (with --screenshot): photos to take first.</source>
        <translation>脚本（与 --screenshot 一起）：先拍摄的照片张数。</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>neither a document camera nor a scanner</source>
        <translation>既没有高拍仪也没有扫描仪</translation>
    </message>
    <message>
        <source>commands</source>
        <translation>命令</translation>
    </message>
    <message>
        <source>the shoot command is not active in the main window</source>
        <translation>拍摄命令在主窗口中未激活</translation>
    </message>
</context>
<context>
    <name>HallConfig</name>
    <message>
        <source>%1: must be ["start", "end"] with start before end, like ["08:30", "12:00"]</source>
        <translation>%1：必须为 ["开始", "结束"] 格式且开始早于结束，例如 ["08:30", "12:00"]</translation>
    </message>
    <message>
        <source>%1: "%2" may hold only letters, digits, - and _ (at most 32)</source>
        <translation>%1：“%2”只能包含字母、数字、- 和 _（最多 32 个字符）</translation>
    </message>
    <message>
        <source>%1: "%2" is used twice</source>
        <translation>%1：“%2”重复出现</translation>
    </message>
    <message>
        <source>%1: "%2" must be up to three capital letters</source>
        <translation>%1：“%2”只能是最多三个大写字母</translation>
    </message>
    <message>
        <source>businesses: a hall needs at least one business</source>
        <translation>businesses：大厅至少需要一项业务</translation>
    </message>
    <message>
        <source>%1: must be [first, last] with first ≤ last, like [1, 499]</source>
        <translation>%1：必须为 [起始号, 结束号] 格式且起始号 ≤ 结束号，例如 [1, 499]</translation>
    </message>
    <message>
        <source>%1: the range end %2 does not fit in %3 digits</source>
        <translation>%1：号段结束值 %2 超出 %3 位数字</translation>
    </message>
    <message>
        <source>%1: prefix "%2" is already used by another business</source>
        <translation>%1：前缀“%2”已被其他业务使用</translation>
    </message>
    <message>
        <source>%1: no window group "%2"</source>
        <translation>%1：不存在窗口分组“%2”</translation>
    </message>
    <message>
        <source>%1: give a morning or an afternoon range</source>
        <translation>%1：请设置上午或下午时段</translation>
    </message>
    <message>
        <source>%1: the afternoon starts before the morning ends</source>
        <translation>%1：下午时段开始时间早于上午时段结束时间</translation>
    </message>
    <message>
        <source>%1.%2: a priority level must be a whole number 0–100</source>
        <translation>%1.%2：优先级必须是 0–100 之间的整数</translation>
    </message>
    <message>
        <source>%1: must be a list of text lines</source>
        <translation>%1：必须是文本行列表</translation>
    </message>
    <message>
        <source>Window %1</source>
        <translation>%1号窗口</translation>
    </message>
    <message>
        <source>%1: no floor "%2"</source>
        <translation>%1：不存在楼层“%2”</translation>
    </message>
    <message>
        <source>%1: must be arrival, order or weight</source>
        <translation>%1：必须是 arrival、order 或 weight</translation>
    </message>
    <message>
        <source>%1: a window serves at least one business</source>
        <translation>%1：窗口至少须办理一项业务</translation>
    </message>
    <message>
        <source>%1: no business "%2"</source>
        <translation>%1：不存在业务“%2”</translation>
    </message>
    <message>
        <source>%1: business "%2" is bound twice</source>
        <translation>%1：业务“%2”被重复绑定</translation>
    </message>
    <message>
        <source>%1: must be one of %2</source>
        <translation>%1：必须是 %2 之一</translation>
    </message>
    <message>
        <source>%1: at least 8 characters</source>
        <translation>%1：至少需要 8 个字符</translation>
    </message>
</context>
<context>
    <name>HallController</name>
    <message>
        <source>code: the configuration is for hall "%1", not "%2".</source>
        <translation>code：该配置属于大厅“%1”，而非“%2”。</translation>
    </message>
    <message>
        <source>accounts: accounts are managed with hall-server account, not through the configuration.</source>
        <translation>accounts：账号须通过 hall-server account 命令管理，不能通过配置修改。</translation>
    </message>
    <message>
        <source>Business %1 cannot be removed while the hall is running; pause it instead.</source>
        <translation>大厅运行期间不能删除业务 %1，请改为暂停该业务。</translation>
    </message>
    <message>
        <source>Window %1 cannot be removed while the hall is running.</source>
        <translation>大厅运行期间不能删除%1号窗口。</translation>
    </message>
    <message>
        <source>The configuration could not be saved: %1</source>
        <translation>配置无法保存：%1</translation>
    </message>
</context>
<context>
    <name>HallDay</name>
    <message>
        <source>The hall opens</source>
        <translation>大厅开门</translation>
    </message>
    <message>
        <source>Officers sign in at windows 1, 2, 3, 4 and 7.</source>
        <translation>工作人员登录 1、2、3、4、7 号窗口。</translation>
    </message>
    <message>
        <source>Emulated devices: ID card reader %1, ticket printer %2, caller bus %3 (callers 1–3, evaluator 101), LED bars %4.</source>
        <translation>模拟设备：身份证阅读器 %1，号票打印机 %2，呼叫器总线 %3（呼叫器 1–3，评价器 101），LED 窗口屏 %4。</translation>
    </message>
    <message>
        <source>hall-kiosk, hall-display and hall-bridge are running; the LED bars of windows 1–4 say "%1".</source>
        <translation>取号机、综合屏和桥接程序已运行；1–4 号窗口的 LED 屏显示“%1”。</translation>
    </message>
    <message>
        <source>Citizens take tickets at the kiosk</source>
        <translation>群众在自助取号机取号</translation>
    </message>
    <message>
        <source>ID card %1 on the reader, 户籍业务 touched: ticket %2 printed.</source>
        <translation>身份证 %1 放上阅读器，点选户籍业务：打出 %2 号。</translation>
    </message>
    <message>
        <source>Mobile number %1 typed on the digit pad, 出入境业务 touched: ticket %2.</source>
        <translation>在数字键盘输入手机号 %1，点选出入境业务：%2 号。</translation>
    </message>
    <message>
        <source>Touched %1: ticket %2.</source>
        <translation>点选%1：%2 号。</translation>
    </message>
    <message>
        <source>Windows call with their hardware callers</source>
        <translation>窗口用硬件呼叫器叫号</translation>
    </message>
    <message>
        <source>A print fails</source>
        <translation>一张号票打印失败</translation>
    </message>
    <message>
        <source>The paper ran out in the middle of ticket %1: the kiosk says so, and hall-server has it as "%2" (%3) — nobody will be called for it.</source>
        <translation>打印 %1 号时缺纸：取号机如实提示，服务器上该号为“%2”（%3），不会被叫号。</translation>
    </message>
    <message>
        <source>Staff put in a new paper roll and reset the counter on the maintenance screen (code typed on the kiosk).</source>
        <translation>工作人员装入新纸卷，在维护界面（在取号机上输入维护密码）重置计数。</translation>
    </message>
    <message>
        <source>The kiosk's network drops</source>
        <translation>取号机网络中断</translation>
    </message>
    <message>
        <source>The network between the kiosk and hall-server is cut: the kiosk says it is offline.</source>
        <translation>取号机与服务器之间的网络断开：取号机提示离线。</translation>
    </message>
    <message>
        <source>Offline, touched %1: ticket %2 from the kiosk's leased numbers.</source>
        <translation>离线状态下点选%1：用取号机预领的号段打出 %2 号。</translation>
    </message>
    <message>
        <source>The network is back</source>
        <translation>网络恢复</translation>
    </message>
    <message>
        <source>The kiosk is online again; its offline tickets %1 are in hall-server's queue, waiting.</source>
        <translation>取号机重新在线；离线号 %1 已进入服务器的排队，等候叫号。</translation>
    </message>
    <message>
        <source>Caller %1 presses Next: %2 is called to window %1; the wall enlarges it, the voice says "请%2号到%1号窗口", the LED bar shows "%3".</source>
        <translation>%1 号呼叫器按“下一位”：%2 号被叫到 %1 号窗口；综合屏放大显示，语音播报“请%2号到%1号窗口”，LED 屏显示“%3”。</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>经过</translation>
    </message>
    <message>
        <source>%1 tickets from the kiosk (%2); on hall-server by source: %3; by status: %4.</source>
        <translation>取号机共出 %1 张号（%2）；服务器按来源：%3；按状态：%4。</translation>
    </message>
    <message>
        <source>Calls from the hardware callers: %1.</source>
        <translation>硬件呼叫器叫号：%1。</translation>
    </message>
    <message>
        <source>Voided after the failed print: %1. Issued offline and taken in later: %2.</source>
        <translation>打印失败后作废：%1。离线取号、之后入队：%2。</translation>
    </message>
    <message>
        <source>LED bars now: %1.</source>
        <translation>LED 窗口屏当前：%1。</translation>
    </message>
    <message>
        <source>Announcements spoken (WAV files of the voice module): %1 in %2.</source>
        <translation>语音播报（语音模块生成的 WAV 文件）：%1 个，在 %2。</translation>
    </message>
    <message>
        <source>The first ticket as the printer received it:</source>
        <translation>打印机收到的第一张号票：</translation>
    </message>
    <message>
        <source>Screenshots of the kiosk and the wall at each moment: %1</source>
        <translation>取号机和综合屏各时刻的截图：%1</translation>
    </message>
    <message>
        <source>Logs of the apps: %1</source>
        <translation>各程序的日志：%1</translation>
    </message>
    <message>
        <source>A new paper roll: the page now offers "%1"; one touch and ticket %2 for 户籍业务 comes out.</source>
        <translation>换上新纸卷：页面出现“%1”，一按即打出户籍业务的 %2 号票。</translation>
    </message>
    <message>
        <source>On this desktop (%1×%2): the wall at %3×%4 on the left, the kiosk on the right.</source>
        <translation>在此桌面（%1×%2）上：左侧为综合屏（%3×%4），右侧为取号机。</translation>
    </message>
</context>
<context>
    <name>HallDemo</name>
    <message>
        <source>Runs a scripted hall morning against hall-server --fake-clock.</source>
        <translation>按脚本模拟大厅一个上午的办理过程（需 hall-server --fake-clock）。</translation>
    </message>
    <message>
        <source>Server base URL.</source>
        <translation>服务器基础地址。</translation>
    </message>
    <message>
        <source>The day to simulate (yyyy-MM-dd).</source>
        <translation>模拟日期（yyyy-MM-dd）。</translation>
    </message>
    <message>
        <source>Random seed: the same seed gives the same morning.</source>
        <translation>随机种子：种子相同，模拟结果相同。</translation>
    </message>
    <message>
        <source>Stop the simulation at this time.</source>
        <translation>模拟结束时间。</translation>
    </message>
    <message>
        <source>hall-demo: cannot sign in; is hall-server running on the demo hall?</source>
        <translation>hall-demo：无法登录；hall-server 是否正在运行演示大厅？</translation>
    </message>
    <message>
        <source>hall-demo: the server does not accept a clock; start it with --fake-clock.</source>
        <translation>hall-demo：服务器不允许设置时钟，请使用 --fake-clock 启动。</translation>
    </message>
    <message>
        <source>Booked and did not come three times</source>
        <translation>三次预约未到</translation>
    </message>
    <message>
        <source>Business meeting</source>
        <translation>业务会议</translation>
    </message>
    <message>
        <source>%1 tickets in the hall (%2 issued at the kiosk, the rest appointments, special and transfers); %3 calls, %4 recalls, %5 marked missed, %6 transferred, %7 hung up and called back.</source>
        <translation>大厅共 %1 个号（自助取号机取号 %2 个，其余为预约、放号和转移产生）；叫号 %3 次，重呼 %4 次，过号 %5 个，转移 %6 个，挂起后回呼 %7 个。</translation>
    </message>
    <message>
        <source>Business          issued  done  waiting  missed  abandoned  avg wait (min)  remaining quota</source>
        <translation>业务                   取号  办结     等候    过号       弃号  平均等候(分钟)         剩余配额</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Window  state    served</source>
        <translation>窗口号  状态      办结数</translation>
    </message>
    <message>
        <source>Refused at the kiosk or window (the server said no, nothing changed):</source>
        <translation>在自助取号机或窗口被拒绝的操作（服务器拒绝，未做任何更改）：</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>未登录</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>serving</source>
        <translation>服务中</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>暂停服务</translation>
    </message>
    <message>
        <source>blacklisted person</source>
        <translation>黑名单人员</translation>
    </message>
    <message>
        <source>quota used up</source>
        <translation>取号配额已满</translation>
    </message>
    <message>
        <source>no window serving the business yet</source>
        <translation>暂无窗口办理该业务</translation>
    </message>
    <message>
        <source>already holds a ticket (reprint offered)</source>
        <translation>已持有号票（提示补打）</translation>
    </message>
    <message>
        <source>outside business hours</source>
        <translation>不在办理时间</translation>
    </message>
    <message>
        <source>closed now</source>
        <translation>当前不办理</translation>
    </message>
    <message>
        <source>Start the simulation at this time (the windows open then).</source>
        <translation>从此时刻开始模拟（窗口此时开放）。</translation>
    </message>
    <message>
        <source>Play the start of the morning through hall-kiosk, hall-display and hall-bridge with emulated devices.</source>
        <translation>用取号机、综合屏、桥接程序和模拟设备演示上午开门后的大厅。</translation>
    </message>
    <message>
        <source>--whole-hall: the folder of the apps.</source>
        <translation>--whole-hall：各程序所在的文件夹。</translation>
    </message>
    <message>
        <source>--whole-hall: the folder for the apps' configuration, data and logs.</source>
        <translation>--whole-hall：存放各程序配置、数据和日志的文件夹。</translation>
    </message>
    <message>
        <source>--whole-hall: save pictures of the apps at each moment in this folder.</source>
        <translation>--whole-hall：把各程序各时刻的截图保存到此文件夹。</translation>
    </message>
    <message>
        <source>--whole-hall: the pause after each step for people watching.</source>
        <translation>--whole-hall：每一步之后的停顿，便于观看。</translation>
    </message>
    <message>
        <source>--whole-hall: how long the wall shows each call enlarged (default: its setting, 8 s).</source>
        <translation>--whole-hall：综合屏放大显示每次叫号的时长（默认：其设置，8 秒）。</translation>
    </message>
    <message>
        <source>hall-demo: --whole-hall needs --work DIR</source>
        <translation>hall-demo：--whole-hall 需要 --work 文件夹</translation>
    </message>
    <message>
        <source>=== %1, morning of %2, simulated %3–%4 ===</source>
        <translation>=== %1，%2 上午，模拟 %3–%4 ===</translation>
    </message>
</context>
<context>
    <name>HallDevices</name>
    <message>
        <source>--option needs key=value, not "%1"</source>
        <translation>--option 需要 key=value 格式，而不是“%1”</translation>
    </message>
    <message>
        <source>No driver plugins found in: %1</source>
        <translation>在以下位置未找到驱动插件：%1</translation>
    </message>
    <message>
        <source>UNUSABLE: %1</source>
        <translation>不可用：%1</translation>
    </message>
    <message>
        <source>No serial ports found.</source>
        <translation>未找到串口。</translation>
    </message>
    <message>
        <source>Card type: %1</source>
        <translation>证件类型：%1</translation>
    </message>
    <message>
        <source>Name: %1</source>
        <translation>姓名：%1</translation>
    </message>
    <message>
        <source>English name: %1</source>
        <translation>英文姓名：%1</translation>
    </message>
    <message>
        <source>Gender: %1</source>
        <translation>性别：%1</translation>
    </message>
    <message>
        <source>Nation/nationality: %1</source>
        <translation>民族/国籍：%1</translation>
    </message>
    <message>
        <source>Born: %1</source>
        <translation>出生日期：%1</translation>
    </message>
    <message>
        <source>Address: %1</source>
        <translation>住址：%1</translation>
    </message>
    <message>
        <source>Number: %1</source>
        <translation>证件号码：%1</translation>
    </message>
    <message>
        <source>Issued by: %1</source>
        <translation>签发机关：%1</translation>
    </message>
    <message>
        <source>Valid: %1 – %2</source>
        <translation>有效期限：%1 – %2</translation>
    </message>
    <message>
        <source>long-term</source>
        <translation>长期</translation>
    </message>
    <message>
        <source>Travel permit: %1 (issued %2 times)</source>
        <translation>通行证号码：%1（签发次数：%2）</translation>
    </message>
    <message>
        <source>Photo: %1 bytes of WLT (decoded only by the vendor library)</source>
        <translation>照片：%1 字节 WLT 数据（仅能由厂商库解码）</translation>
    </message>
    <message>
        <source>Fingerprint: %1 bytes</source>
        <translation>指纹：%1 字节</translation>
    </message>
    <message>
        <source>%1 on %2 is not ready (%3): %4</source>
        <translation>%2 上的 %1 未就绪（%3）：%4</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>无应答</translation>
    </message>
    <message>
        <source>Place the card on the reader (waiting up to %1 s)…</source>
        <translation>请将证件放到身份证阅读器上（最多等待 %1 秒）…</translation>
    </message>
    <message>
        <source>No card was read.</source>
        <translation>未读到证件。</translation>
    </message>
    <message>
        <source>Listening on %1; press keys on the callers (Ctrl+C stops).</source>
        <translation>正在监听 %1，请按呼叫器上的按键（按 Ctrl+C 停止）。</translation>
    </message>
    <message>
        <source>address %1: %2</source>
        <translation>总线地址 %1：%2</translation>
    </message>
    <message>
        <source> (local)</source>
        <translation> （本地）</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <source>HallSuite printer test</source>
        <translation>HallSuite 打印机测试</translation>
    </message>
    <message>
        <source>Test ticket</source>
        <translation>测试号票</translation>
    </message>
    <message>
        <source>If this ticket is complete and cut, the printer works.</source>
        <translation>如果此号票打印完整且已切纸，说明打印机工作正常。</translation>
    </message>
    <message>
        <source>The printer did not confirm the test ticket.</source>
        <translation>打印机未确认测试号票已打印。</translation>
    </message>
    <message>
        <source>Test ticket printed and confirmed by the printer.</source>
        <translation>测试号票已打印，打印机已确认。</translation>
    </message>
    <message>
        <source>Scan codes now (Ctrl+C stops).</source>
        <translation>请开始扫码（按 Ctrl+C 停止）。</translation>
    </message>
    <message>
        <source>Cannot create the emulated reader at %1.</source>
        <translation>无法在 %1 创建模拟身份证阅读器。</translation>
    </message>
    <message>
        <source>Emulated SAM ID card reader at %1 (115200 baud), card of type %2 on it. Ctrl+C stops.</source>
        <translation>已在 %1 模拟 SAM 身份证阅读器（波特率 115200），其上放有 %2 类证件。按 Ctrl+C 停止。</translation>
    </message>
    <message>
        <source>Driver option key=value (repeatable), e.g. baud=9600.</source>
        <translation>驱动选项 key=value（可重复指定），如 baud=9600。</translation>
    </message>
    <message>
        <source>read-card: also read the fingerprint data.</source>
        <translation>read-card：同时读取指纹数据。</translation>
    </message>
    <message>
        <source>read-card: seconds to wait for a card.</source>
        <translation>read-card：等待放置证件的秒数。</translation>
    </message>
    <message>
        <source>emulate-idcard needs the path of the link to create, e.g. /tmp/ttyIDCARD</source>
        <translation>emulate-idcard 需要指定要创建的链接路径，如 /tmp/ttyIDCARD</translation>
    </message>
    <message>
        <source>probe needs ROLE DRIVER PORT, e.g. probe idcard idcard-sam /dev/ttyUSB0</source>
        <translation>probe 需要 ROLE DRIVER PORT 参数，如 probe idcard idcard-sam /dev/ttyUSB0</translation>
    </message>
    <message>
        <source>%1 needs DRIVER PORT</source>
        <translation>%1 需要 DRIVER PORT 参数</translation>
    </message>
    <message>
        <source>watch-caller needs DRIVER PORT, e.g. watch-caller callerbus-serial /dev/ttyUSB1 --option addresses=1,2,3</source>
        <translation>watch-caller 需要 DRIVER PORT 参数，如 watch-caller callerbus-serial /dev/ttyUSB1 --option addresses=1,2,3</translation>
    </message>
    <message>
        <source>%1 needs DRIVER PORT, e.g. %1 idcard-sam /dev/ttyUSB0</source>
        <translation>%1 需要 DRIVER PORT 参数，如 %1 idcard-sam /dev/ttyUSB0</translation>
    </message>
    <message>
        <source>Give a command; see --help.</source>
        <translation>未指定命令，请查看 --help。</translation>
    </message>
    <message>
        <source>Unknown command "%1"; see --help.</source>
        <translation>未知命令“%1”，请查看 --help。</translation>
    </message>
    <message>
        <source>read-card, scan: show names, numbers and addresses in clear.</source>
        <translation>read-card、scan：明文显示姓名、号码和地址。</translation>
    </message>
    <message>
        <source>--wait needs a number of seconds, not "%1".</source>
        <translation>--wait 需要秒数，而不是“%1”。</translation>
    </message>
    <message>
        <source>%1 on %2 opened but the reader does not answer: %3 (check the baud rate with --option baud=…)</source>
        <translation>%2 上的 %1 已打开，但阅读器没有应答：%3（请用 --option baud=… 检查波特率）</translation>
    </message>
    <message>
        <source>%1 on %2: the reader answers, SAM %3.</source>
        <translation>%2 上的 %1：阅读器应答正常，安全模块（SAM）编号 %3。</translation>
    </message>
    <message>
        <source>%1 on %2 opened but the printer does not answer: %3</source>
        <translation>%2 上的 %1 已打开，但打印机没有应答：%3</translation>
    </message>
    <message>
        <source>paper ok</source>
        <translation>纸张正常</translation>
    </message>
    <message>
        <source>paper near its end</source>
        <translation>纸将尽</translation>
    </message>
    <message>
        <source>out of paper</source>
        <translation>缺纸</translation>
    </message>
    <message>
        <source>cover open</source>
        <translation>纸仓盖打开</translation>
    </message>
    <message>
        <source>status unknown</source>
        <translation>状态未知</translation>
    </message>
    <message>
        <source>%1 on %2: the printer answers, %3.</source>
        <translation>%2 上的 %1：打印机应答正常，%3。</translation>
    </message>
    <message>
        <source>%1 on %2: no answer from bus address(es) %3.</source>
        <translation>%2 上的 %1：总线地址 %3 没有应答。</translation>
    </message>
    <message>
        <source>%1 on %2: every configured caller and evaluator answers.</source>
        <translation>%2 上的 %1：所有已配置的呼叫器和评价器均应答正常。</translation>
    </message>
    <message>
        <source>%1 on %2: opened (this kind of device answers only when used; try show-screen or scan).</source>
        <translation>%2 上的 %1：已打开（此类设备只在使用时应答，请试用 show-screen 或 scan）。</translation>
    </message>
    <message>
        <source>The screen did not confirm the text.</source>
        <translation>显示屏没有确认显示内容。</translation>
    </message>
    <message>
        <source>Screen %1 shows the text.</source>
        <translation>显示屏 %1 已显示该文字。</translation>
    </message>
    <message>
        <source>show-screen: the text is a ticket number being served.</source>
        <translation>show-screen：该文字是正在办理的号码。</translation>
    </message>
    <message>
        <source>show-screen needs DRIVER PORT ADDRESS TEXT, e.g. show-screen ledbar udp://10.0.0.3:5005 3 暂停服务</source>
        <translation>show-screen 需要 DRIVER PORT ADDRESS TEXT，例如 show-screen ledbar udp://10.0.0.3:5005 3 暂停服务</translation>
    </message>
    <message>
        <source>Cannot list cameras without the camera-uvc driver: %1</source>
        <translation>缺少 camera-uvc 驱动，无法列出摄像头：%1</translation>
    </message>
    <message>
        <source>The camera-uvc driver cannot list cameras.</source>
        <translation>camera-uvc 驱动无法列出摄像头。</translation>
    </message>
    <message>
        <source>No cameras found: Qt Multimedia lists none. Check the USB cable; on Linux the camera needs the GStreamer video4linux plugin (package gstreamer1.0-plugins-good).</source>
        <translation>未找到摄像头：Qt Multimedia 未列出任何摄像头。请检查 USB 线；在 Linux 上，摄像头需要 GStreamer video4linux 插件（软件包 gstreamer1.0-plugins-good）。</translation>
    </message>
    <message>
        <source>  (default)</source>
        <translation>  （默认）</translation>
    </message>
    <message>
        <source>photo resolutions: %1</source>
        <translation>拍照分辨率：%1</translation>
    </message>
    <message>
        <source>none listed</source>
        <translation>未列出</translation>
    </message>
    <message>
        <source>capture needs --out FILE, e.g. --out page.jpg</source>
        <translation>capture 需要 --out FILE 参数，如 --out page.jpg</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 configures no role "%2".</source>
        <translation>%1 中未配置角色“%2”。</translation>
    </message>
    <message>
        <source>Role "%1" is no document camera.</source>
        <translation>角色“%1”不是高拍仪。</translation>
    </message>
    <message>
        <source>%1 (%2 on %3) offers %4.</source>
        <translation>%1（%2，端口：%3）可用分辨率：%4。</translation>
    </message>
    <message>
        <source>no port</source>
        <translation>未指定</translation>
    </message>
    <message>
        <source>no resolution list</source>
        <translation>未提供列表</translation>
    </message>
    <message>
        <source>The camera did not deliver the photo within 60 s.</source>
        <translation>高拍仪未在 60 秒内返回照片。</translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>无法写入 %1。</translation>
    </message>
    <message>
        <source>Saved %1: %2×%3 pixels, %4.</source>
        <translation>已保存 %1：%2×%3 像素，%4。</translation>
    </message>
    <message>
        <source>%1 dpi</source>
        <translation>%1 dpi</translation>
    </message>
    <message>
        <source>dpi unknown</source>
        <translation>dpi 未知</translation>
    </message>
    <message>
        <source>capture: the file to save the photo to (.jpg or .png).</source>
        <translation>capture：照片的保存文件（.jpg 或 .png）。</translation>
    </message>
    <message>
        <source>capture needs DEVICES.JSON ROLE --out FILE, e.g. capture devices.json camera --out page.jpg</source>
        <translation>capture 需要 DEVICES.JSON ROLE --out FILE 参数，如 capture devices.json camera --out page.jpg</translation>
    </message>
    <message>
        <source>cannot list: %1</source>
        <translation>无法列出：%1</translation>
    </message>
    <message>
        <source>none found</source>
        <translation>未发现设备</translation>
    </message>
    <message>
        <source>serial %1</source>
        <translation>序列号 %1</translation>
    </message>
    <message>
        <source>HallSuite device tool for field engineers.

  hall-devices plugins                       driver plugins and whether they can be used
  hall-devices ports                         serial ports on this PC
  hall-devices available [DRIVER]            devices each driver (or DRIVER) sees plugged in now
  hall-devices probe ROLE DRIVER PORT        open a device and report its state
  hall-devices read-card DRIVER PORT         read an ID card (masked unless --show-personal)
  hall-devices sam-id DRIVER PORT            the reader's SAM number
  hall-devices watch-caller DRIVER PORT      show caller keys and ratings (--option addresses=1,2,3)
  hall-devices print-test DRIVER PORT        print a test ticket (e.g. printer-escpos tcp://10.0.0.9:9100)
  hall-devices scan DRIVER PORT              show each scanned code
  hall-devices show-screen DRIVER PORT ADDR TEXT  put a text on a window screen (--serving: as a number)
  hall-devices cameras                       cameras on this PC and their photo resolutions
  hall-devices capture DEVICES.JSON ROLE --out FILE  one photo through the configured document camera
  hall-devices emulate-idcard LINK [R|J|I]   stand in for an ID card reader on a pty</source>
        <translation>HallSuite 设备调试工具（供现场工程师使用）。

  hall-devices plugins                       驱动插件列表及其是否可用
  hall-devices ports                         本机的串口
  hall-devices available [DRIVER]            各驱动（或指定的 DRIVER）当前能看到的设备
  hall-devices probe ROLE DRIVER PORT        打开设备并确认其应答
  hall-devices read-card DRIVER PORT         读取身份证（除非指定 --show-personal，否则脱敏显示）
  hall-devices sam-id DRIVER PORT            阅读器的安全模块（SAM）编号
  hall-devices watch-caller DRIVER PORT      显示呼叫器按键和评价（--option addresses=1,2,3）
  hall-devices print-test DRIVER PORT        打印测试号票（如 printer-escpos tcp://10.0.0.9:9100）
  hall-devices scan DRIVER PORT              逐条显示扫到的码
  hall-devices show-screen DRIVER PORT ADDR TEXT  在窗口显示屏上显示文字（--serving：作为叫号号码）
  hall-devices cameras                       本机的摄像头及其拍照分辨率
  hall-devices capture DEVICES.JSON ROLE --out FILE  通过配置的高拍仪拍摄一张照片
  hall-devices emulate-idcard LINK [R|J|I]   在伪终端（pty）上模拟身份证阅读器</translation>
    </message>
    <message>
        <source>plugins, ports, available, probe, read-card, sam-id, watch-caller, print-test, scan, show-screen, cameras, capture or emulate-idcard</source>
        <translation>plugins、ports、available、probe、read-card、sam-id、watch-caller、print-test、scan、show-screen、cameras、capture 或 emulate-idcard</translation>
    </message>
</context>
<context>
    <name>HallDisplay</name>
    <message>
        <source>the wall is blank</source>
        <translation>大屏一片空白</translation>
    </message>
    <message>
        <source>HallSuite hall display</source>
        <translation>HallSuite 大厅综合屏</translation>
    </message>
    <message>
        <source>The hall's wall screen: current calls, waiting people, notices and media.</source>
        <translation>大厅综合屏：当前叫号、等候人数、通知和宣传媒体。</translation>
    </message>
    <message>
        <source>The wall layout (JSON) instead of the one in the configuration.</source>
        <translation>使用此屏幕布局文件（JSON），代替配置中的布局。</translation>
    </message>
    <message>
        <source>With --screenshot: wait until the hall's state has arrived (at most this many seconds).</source>
        <translation>与 --screenshot 一起使用：等大厅状态到达后再截图（最多等待这么多秒）。</translation>
    </message>
    <message>
        <source>Display settings…</source>
        <translation>综合屏设置…</translation>
    </message>
    <message>
        <source>layout</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>no windows area</source>
        <translation>没有窗口区域</translation>
    </message>
    <message>
        <source>painted</source>
        <translation>绘制</translation>
    </message>
</context>
<context>
    <name>HallKiosk</name>
    <message>
        <source>HallSuite self-service kiosk</source>
        <translation>HallSuite 自助取号机</translation>
    </message>
    <message>
        <source>The self-service kiosk: tickets by touch, ID card, mobile number, appointment code or release password.</source>
        <translation>自助取号机：按业务、身份证、手机号、预约码或放号密码取号。</translation>
    </message>
    <message>
        <source>Start in elderly mode (for screenshots).</source>
        <translation>以长者模式启动（用于截图）。</translation>
    </message>
    <message>
        <source>Kiosk settings…</source>
        <translation>取号机设置…</translation>
    </message>
    <message>
        <source>start screen</source>
        <translation>开始屏幕</translation>
    </message>
    <message>
        <source>not on the start screen</source>
        <translation>不在开始屏幕</translation>
    </message>
    <message>
        <source>says it has no server</source>
        <translation>提示未配置服务器</translation>
    </message>
    <message>
        <source>no notice that the server is missing</source>
        <translation>没有提示缺少服务器</translation>
    </message>
</context>
<context>
    <name>HallLoad</name>
    <message>
        <source>Load generator for hall-server (bench/README.md).</source>
        <translation>hall-server 压力测试工具（见 bench/README.md）。</translation>
    </message>
    <message>
        <source>Server base URL.</source>
        <translation>服务器基础地址。</translation>
    </message>
    <message>
        <source>Hall code.</source>
        <translation>大厅编码。</translation>
    </message>
    <message>
        <source>Concurrent clients.</source>
        <translation>并发客户端数。</translation>
    </message>
    <message>
        <source>Windows to spread the clients over (1..n).</source>
        <translation>客户端分布的窗口数（1..n）。</translation>
    </message>
    <message>
        <source>Business codes B00..B(n-1).</source>
        <translation>业务数（编码 B00..B(n-1)）。</translation>
    </message>
    <message>
        <source>Length of the measured run.</source>
        <translation>测量阶段时长。</translation>
    </message>
    <message>
        <source>Unmeasured warm-up.</source>
        <translation>预热时长（不计入测量）。</translation>
    </message>
    <message>
        <source>Kiosk login:password.</source>
        <translation>自助取号机账号（登录名:密码）。</translation>
    </message>
    <message>
        <source>Caller-bus login:password.</source>
        <translation>叫号总线账号（登录名:密码）。</translation>
    </message>
    <message>
        <source>Measure SQLite's durable commit rate in this folder (same disk as the server).</source>
        <translation>在此文件夹测量 SQLite 持久化提交速率（应与服务器位于同一磁盘）。</translation>
    </message>
    <message>
        <source>hall-load: cannot sign in at %1</source>
        <translation>hall-load：无法登录 %1</translation>
    </message>
    <message>
        <source>Also run this many connections sending wrong passwords.</source>
        <translation>同时运行这么多个发送错误密码的连接。</translation>
    </message>
    <message>
        <source>The account the flood guesses at.</source>
        <translation>被猜测密码的账号。</translation>
    </message>
    <message>
        <source>Clients only take tickets (kiosks), nobody calls.</source>
        <translation>客户端只取号（自助机），不叫号。</translation>
    </message>
    <message>
        <source>Take this many tickets before the warm-up, unmeasured.</source>
        <translation>预热前先取这么多号，不计入测量。</translation>
    </message>
    <message>
        <source>Also report the server's CPU time per operation (Linux).</source>
        <translation>同时报告服务器每个操作的 CPU 时间（Linux）。</translation>
    </message>
    <message>
        <source>At most this many operations per second, all clients together (0: as fast as the server answers).</source>
        <translation>每秒最多这么多次操作，所有客户端合计（0：服务器应答多快就多快）。</translation>
    </message>
</context>
<context>
    <name>HallNet</name>
    <message>
        <source>The hall service sent a reply this program does not understand. Check that the program and the service are of the same version.</source>
        <translation>大厅服务返回了本程序无法识别的应答。请检查本程序与服务的版本是否一致。</translation>
    </message>
    <message>
        <source>The hall service did not answer in time. Check the network; the program keeps trying.</source>
        <translation>大厅服务未及时应答。请检查网络；程序会自动重试。</translation>
    </message>
    <message>
        <source>The hall service is not running at the configured address. It may be restarting; the program keeps trying.</source>
        <translation>配置的地址上没有运行大厅服务，服务可能正在重启；程序会自动重试。</translation>
    </message>
    <message>
        <source>The hall service's address cannot be found. Check the server address in the configuration and the network.</source>
        <translation>找不到大厅服务的地址。请检查配置中的服务器地址和网络。</translation>
    </message>
    <message>
        <source>The hall service's certificate is not trusted, so the connection was refused. Check the hall CA file and the server certificate.</source>
        <translation>大厅服务的证书不受信任，连接已被拒绝。请检查大厅 CA 证书文件和服务器证书。</translation>
    </message>
    <message>
        <source>The hall service's certificate key is not the pinned one, so the connection was refused. Someone may be intercepting the connection, or the server certificate was replaced: check the pin in the configuration.</source>
        <translation>大厅服务的证书公钥与固定的公钥不符，连接已被拒绝。可能有人在截获连接，或服务器证书已更换：请检查配置中的证书指纹。</translation>
    </message>
    <message>
        <source>The request was cancelled.</source>
        <translation>请求已取消。</translation>
    </message>
    <message>
        <source>The connection to the hall service failed. Check the network; the program keeps trying.</source>
        <translation>与大厅服务的连接失败。请检查网络；程序会自动重试。</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Reconnecting (attempt %1)…</source>
        <translation>正在重新连接（第 %1 次）…</translation>
    </message>
    <message>
        <source>Reconnecting (attempt %1, next try in %2 s)</source>
        <translation>正在重新连接（第 %1 次，%2 秒后重试）</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Offline since %1</source>
        <translation>离线（自 %1 起）</translation>
    </message>
    <message>
        <source>The hall service refused the request (HTTP %1).</source>
        <translation>大厅服务拒绝了请求（HTTP %1）。</translation>
    </message>
    <message>
        <source>The server address "%1" is not http(s)://HOST:PORT.</source>
        <translation>服务器地址“%1”不是 http(s)://主机:端口 的形式。</translation>
    </message>
    <message>
        <source>A hall CA file or a certificate pin needs an https:// server address.</source>
        <translation>使用大厅 CA 证书文件或证书指纹时，服务器地址必须是 https://。</translation>
    </message>
    <message>
        <source>Cannot read the hall CA file %1: %2</source>
        <translation>无法读取大厅 CA 证书文件 %1：%2</translation>
    </message>
    <message>
        <source>The hall CA file %1 holds no PEM certificate.</source>
        <translation>大厅 CA 证书文件 %1 中没有 PEM 证书。</translation>
    </message>
    <message>
        <source>The certificate pin "%1" is neither sha256//BASE64 nor 64 hexadecimal digits.</source>
        <translation>证书指纹“%1”既不是 sha256//BASE64 形式，也不是 64 位十六进制数。</translation>
    </message>
    <message>
        <source>Cannot read the certificate file %1: %2</source>
        <translation>无法读取证书文件 %1：%2</translation>
    </message>
    <message>
        <source>%1 is not a PKCS#12 file with a certificate and its key, or the password is wrong.</source>
        <translation>%1 不是包含证书及其私钥的 PKCS#12 文件，或密码错误。</translation>
    </message>
    <message>
        <source>"%1" is not a PKCS#11 URI (pkcs11:token=…;object=…).</source>
        <translation>"%1" 不是 PKCS#11 URI（pkcs11:token=…;object=…）。</translation>
    </message>
    <message>
        <source>The PKCS#11 URI part "%1" is not name=value.</source>
        <translation>PKCS#11 URI 中的 "%1" 不是 name=value 形式。</translation>
    </message>
    <message>
        <source>The PIN does not go into the PKCS#11 URI; it is asked for separately.</source>
        <translation>PIN 码不能写在 PKCS#11 URI 中，须单独输入。</translation>
    </message>
    <message>
        <source>The PKCS#11 URI must name the key: object=LABEL or id=%HEX.</source>
        <translation>PKCS#11 URI 必须指明密钥：object=标签 或 id=%十六进制。</translation>
    </message>
    <message>
        <source>Cannot load the PKCS#11 module %1 (%2).</source>
        <translation>无法加载 PKCS#11 模块 %1（%2）。</translation>
    </message>
    <message>
        <source>The PKCS#11 module %1 lists no slots (%2).</source>
        <translation>PKCS#11 模块 %1 未列出任何槽（%2）。</translation>
    </message>
    <message>
        <source>No token matching %1 is present; is the USB key plugged in?</source>
        <translation>没有与 %1 匹配的令牌；USB Key 是否已插入？</translation>
    </message>
    <message>
        <source>The USB key's PIN is locked; its issuer must unlock it.</source>
        <translation>USB Key 的 PIN 码已锁定；请由发放单位解锁。</translation>
    </message>
    <message>
        <source>The PIN of the USB key is wrong.</source>
        <translation>USB Key 的 PIN 码错误。</translation>
    </message>
    <message>
        <source>Cannot sign in to the USB key with this PIN.</source>
        <translation>无法用此 PIN 码登录 USB Key。</translation>
    </message>
    <message>
        <source>The token holds no private key matching %1.</source>
        <translation>令牌中没有与 %1 匹配的私钥。</translation>
    </message>
    <message>
        <source>The token holds no certificate for the key %1.</source>
        <translation>令牌中没有密钥 %1 对应的证书。</translation>
    </message>
    <message>
        <source>The token's key %1 cannot be used (%2).</source>
        <translation>令牌中的密钥 %1 无法使用（%2）。</translation>
    </message>
    <message>
        <source>This build cannot use USB keys: it was made without libp11 (install libp11-dev and rebuild).</source>
        <translation>此版本不能使用 USB Key：构建时没有 libp11（请安装 libp11-dev 后重新构建）。</translation>
    </message>
</context>
<context>
    <name>HallOwnershipLock</name>
    <message>
        <source>The lock file %1 was removed or replaced while this server held it.</source>
        <translation>本服务器持有锁期间，锁文件 %1 被删除或替换。</translation>
    </message>
    <message>
        <source>The PostgreSQL session holding the hall locks ended (%1).</source>
        <translation>持有大厅锁的 PostgreSQL 会话已结束（%1）。</translation>
    </message>
    <message>
        <source>Cannot reach the database %1: %2</source>
        <translation>无法连接数据库 %1：%2</translation>
    </message>
</context>
<context>
    <name>HallReport</name>
    <message>
        <source>Hall report</source>
        <translation>大厅统计报表</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Made at</source>
        <translation>生成时间</translation>
    </message>
    <message>
        <source>Signed with key</source>
        <translation>签名密钥</translation>
    </message>
    <message>
        <source>Business</source>
        <translation>业务</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>取号</translation>
    </message>
    <message>
        <source>Served</source>
        <translation>办结</translation>
    </message>
    <message>
        <source>Missed</source>
        <translation>过号</translation>
    </message>
    <message>
        <source>Voided</source>
        <translation>作废</translation>
    </message>
    <message>
        <source>Cleared</source>
        <translation>清号</translation>
    </message>
    <message>
        <source>Not finished</source>
        <translation>未办结</translation>
    </message>
    <message>
        <source>Issued offline</source>
        <translation>离线取号</translation>
    </message>
    <message>
        <source>Average wait (s)</source>
        <translation>平均等候（秒）</translation>
    </message>
    <message>
        <source>90% waited at most (s)</source>
        <translation>90% 等候不超过（秒）</translation>
    </message>
    <message>
        <source>Average service (s)</source>
        <translation>平均办理（秒）</translation>
    </message>
    <message>
        <source>All</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Service time (s)</source>
        <translation>办理时长（秒）</translation>
    </message>
    <message>
        <source>Very satisfied (5)</source>
        <translation>非常满意（5）</translation>
    </message>
    <message>
        <source>Satisfied (4)</source>
        <translation>满意（4）</translation>
    </message>
    <message>
        <source>Fairly satisfied (3)</source>
        <translation>基本满意（3）</translation>
    </message>
    <message>
        <source>Dissatisfied (2)</source>
        <translation>不满意（2）</translation>
    </message>
    <message>
        <source>Very dissatisfied (1)</source>
        <translation>非常不满意（1）</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <source>Officer (account id)</source>
        <translation>工作人员（账号 ID）</translation>
    </message>
</context>
<context>
    <name>HallServerMain</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 is not valid JSON: %2 at offset %3</source>
        <translation>%1 不是有效的 JSON：%2（偏移量 %3）</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Cannot save hall %1: %2</source>
        <translation>无法保存大厅 %1：%2</translation>
    </message>
    <message>
        <source>Hall %1 (%2): %3 businesses, %4 windows, %5 accounts in the seed.</source>
        <translation>大厅 %1（%2）：导入数据含 %3 项业务、%4 个窗口、%5 个账号。</translation>
    </message>
    <message>
        <source>account add needs --login, --role and --name.</source>
        <translation>account add 需要 --login、--role 和 --name 参数。</translation>
    </message>
    <message>
        <source>--role must be one of %1.</source>
        <translation>--role 必须是 %1 之一。</translation>
    </message>
    <message>
        <source>--hall must name a seeded hall for a %1 account.</source>
        <translation>%1 账号须用 --hall 指定一个已导入的大厅。</translation>
    </message>
    <message>
        <source>An account %1 already exists.</source>
        <translation>账号 %1 已存在。</translation>
    </message>
    <message>
        <source>Account %1 (%2) created.</source>
        <translation>已创建账号 %1（%2）。</translation>
    </message>
    <message>
        <source>self-test: /api/v1/health did not answer ok</source>
        <translation>自检：/api/v1/health 未返回 ok</translation>
    </message>
    <message>
        <source>Folder of the embedded SQLite database.</source>
        <translation>内置 SQLite 数据库所在文件夹。</translation>
    </message>
    <message>
        <source>PostgreSQL URL instead: postgres://user:password@host:port/database</source>
        <translation>改用 PostgreSQL 的地址：postgres://user:password@host:port/database</translation>
    </message>
    <message>
        <source>Address and port to serve on (default 127.0.0.1:8080).</source>
        <translation>服务监听地址和端口（默认 127.0.0.1:8080）。</translation>
    </message>
    <message>
        <source>PEM certificate: serve HTTPS and WSS.</source>
        <translation>PEM 证书：启用 HTTPS 和 WSS。</translation>
    </message>
    <message>
        <source>account add: login name.</source>
        <translation>account add：登录名。</translation>
    </message>
    <message>
        <source>account add: display name.</source>
        <translation>account add：显示名称。</translation>
    </message>
    <message>
        <source>Serve the demo hall from a temporary folder, check it answers, and exit.</source>
        <translation>在临时文件夹中运行演示大厅，检查能否正常响应后退出。</translation>
    </message>
    <message>
        <source>Unknown command "%1"; see --help.</source>
        <translation>未知命令“%1”，请查看 --help。</translation>
    </message>
    <message>
        <source>seed needs one file: hall-server seed hall.json</source>
        <translation>seed 需要指定一个文件：hall-server seed hall.json</translation>
    </message>
    <message>
        <source>--fake-clock needs an ISO 8601 time like 2026-11-23T08:30:00.</source>
        <translation>--fake-clock 需要 ISO 8601 格式的时间，如 2026-11-23T08:30:00。</translation>
    </message>
    <message>
        <source>--listen needs host:port, e.g. 127.0.0.1:8080 (port 0 picks a free one).</source>
        <translation>--listen 需要 host:port 格式，如 127.0.0.1:8080（端口为 0 时自动选择空闲端口）。</translation>
    </message>
    <message>
        <source>If another hall-server serves the halls, wait and take them over when it stops (instead of refusing to start).</source>
        <translation>若另一个 hall-server 正在服务这些大厅，则等待并在其停止后接管（而不是拒绝启动）。</translation>
    </message>
    <message>
        <source>How often the owner checks that it still holds the halls' lock, in milliseconds (default 1000).</source>
        <translation>所有者检查自己仍持有大厅锁的间隔，单位毫秒（默认 1000）。</translation>
    </message>
    <message>
        <source>--owner-check needs a number of milliseconds of at least 50.</source>
        <translation>--owner-check 需要不小于 50 的毫秒数。</translation>
    </message>
    <message>
        <source>waiting to take over the halls of %1 from the hall-server serving them (%2).</source>
        <translation>等待从正在服务的 hall-server（%2）接管 %1 的大厅。</translation>
    </message>
    <message>
        <source>Folder of uploaded blobs (default: blobs/ in the data folder; with --db, a shared volume).</source>
        <translation>上传材料文件的目录（默认：数据目录下的 blobs/；使用 --db 时应为共享卷）。</translation>
    </message>
    <message>
        <source>Start the clock at this time and let admins move it (demo and tests only; implies --demo).</source>
        <translation>时钟从此时间开始并允许管理员调整（仅限演示和测试；隐含 --demo）。</translation>
    </message>
    <message>
        <source>Serve the demo data on purpose: its published passwords are accepted. Never in a real hall.</source>
        <translation>有意提供演示数据：接受其公开的密码。切勿用于真实大厅。</translation>
    </message>
    <message>
        <source>How often the audit chain's heads are signed (default 60).</source>
        <translation>审计链头的签名间隔秒数（默认 60）。</translation>
    </message>
    <message>
        <source>audit keygen needs one file: hall-server audit keygen /etc/hallsuite/audit-sm2.pem</source>
        <translation>audit keygen 需要一个文件：hall-server audit keygen /etc/hallsuite/audit-sm2.pem</translation>
    </message>
    <message>
        <source>SM2 key written to %1 (public key: %1.pub).</source>
        <translation>SM2 密钥已写入 %1（公钥：%1.pub）。</translation>
    </message>
    <message>
        <source>%1 entries, %2 signed heads checked%3; %4 entries after the last signed head.</source>
        <translation>已检查 %1 条记录、%2 个签名链头%3；最后一个签名链头之后还有 %4 条记录。</translation>
    </message>
    <message>
        <source> (signatures NOT checked: give --audit-public-key)</source>
        <translation>（未校验签名：请提供 --audit-public-key）</translation>
    </message>
    <message>
        <source>The audit chain is intact.</source>
        <translation>审计链完好。</translation>
    </message>
    <message numerus="yes">
        <source>The audit chain has been tampered with: %n problem(s).</source>
        <translation>
            <numerusform>审计链已被篡改：发现 %n 处问题。</numerusform>
        </translation>
    </message>
    <message>
        <source>New password of %1 set; it must be changed at the next sign-in.</source>
        <translation>已为 %1 设置新密码；下次登录时必须更改。</translation>
    </message>
    <message>
        <source>--audit-sign-seconds needs a whole number of seconds, 1 or more.</source>
        <translation>--audit-sign-seconds 须为不小于 1 的整数秒。</translation>
    </message>
    <message>
        <source>There is no account "%1".</source>
        <translation>没有账号“%1”。</translation>
    </message>
    <message>
        <source>account add: admin (system administrator), security (security administrator), auditor, chief, supervisor, approver, officer, kiosk, display or caller.</source>
        <translation>account add：admin（系统管理员）、security（安全管理员）、auditor（审计管理员）、chief、supervisor、approver、officer、kiosk、display 或 caller。</translation>
    </message>
    <message>
        <source>The audit key is in the OS keychain (see audit keygen --keychain), not in a file.</source>
        <translation>审计密钥保存在操作系统密钥链中（见 audit keygen --keychain），而不在文件中。</translation>
    </message>
    <message>
        <source>audit keygen: keep the new private key in the OS keychain; the file named gets the public key.</source>
        <translation>audit keygen：新私钥保存在操作系统密钥链中；给出的文件写入公钥。</translation>
    </message>
    <message>
        <source>Name of the audit key in the keychain (default audit-sm2).</source>
        <translation>审计密钥在密钥链中的名称（默认 audit-sm2）。</translation>
    </message>
    <message>
        <source>audit export: first moment, ISO 8601 (2026-11-01 or 2026-11-01T08:00:00+08:00).</source>
        <translation>audit export：起始时间，ISO 8601（2026-11-01 或 2026-11-01T08:00:00+08:00）。</translation>
    </message>
    <message>
        <source>SM2 key kept in the OS keychain as "%1" (public key: %2).</source>
        <translation>SM2 密钥已保存在操作系统密钥链中，名称为 "%1"（公钥：%2）。</translation>
    </message>
    <message>
        <source>audit import-key needs the key file: hall-server audit import-key /etc/hallsuite/audit-sm2.pem</source>
        <translation>audit import-key 需要密钥文件：hall-server audit import-key /etc/hallsuite/audit-sm2.pem</translation>
    </message>
    <message>
        <source>The key of %1 is in the OS keychain as "%2"; remove the file and start hall-server with --audit-keychain.</source>
        <translation>%1 的密钥已存入操作系统密钥链，名称为 "%2"；请删除该文件，并以 --audit-keychain 启动 hall-server。</translation>
    </message>
    <message>
        <source>audit verify-export needs the public key and the file: hall-server audit verify-export --audit-public-key audit-sm2.pem.pub audit.jsonl</source>
        <translation>audit verify-export 需要公钥和文件：hall-server audit verify-export --audit-public-key audit-sm2.pem.pub audit.jsonl</translation>
    </message>
    <message numerus="yes">
        <source>The export is intact and signed by this key: %n entries.</source>
        <translation>
            <numerusform>导出文件完整，且由此密钥签名：%n 条。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The export has been tampered with: %n problem(s).</source>
        <translation>
            <numerusform>导出文件已被篡改：%n 处问题。</numerusform>
        </translation>
    </message>
    <message>
        <source>--audit-key and --audit-keychain: one or the other.</source>
        <translation>--audit-key 与 --audit-keychain 只能选其一。</translation>
    </message>
    <message>
        <source>audit export needs the file: hall-server audit export --from 2026-11-01 --to 2026-12-01 audit-2026-11.jsonl</source>
        <translation>audit export 需要输出文件：hall-server audit export --from 2026-11-01 --to 2026-12-01 audit-2026-11.jsonl</translation>
    </message>
    <message numerus="yes">
        <source>%n entries exported to %1, signed in %1.sig; check with: openssl dgst -sm3 -verify KEY.pub -signature %1.sig %1</source>
        <translation>
            <numerusform>已导出 %n 条到 %1，签名在 %1.sig；可用以下命令核验：openssl dgst -sm3 -verify 公钥.pub -signature %1.sig %1</numerusform>
        </translation>
    </message>
    <message>
        <source>audit takes keygen, import-key, verify, export or verify-export; see --help.</source>
        <translation>audit 可用 keygen、import-key、verify、export 或 verify-export；见 --help。</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>enabled</source>
        <translation>已启用</translation>
    </message>
    <message>
        <source>PEM certificate(s) of the hall CA: with TLS, officers sign in by the client certificates it issued (POST /api/v1/auth/certificate).</source>
        <translation>大厅 CA 的 PEM 证书：启用 TLS 时，工作人员可用该 CA 签发的客户端证书登录（POST /api/v1/auth/certificate）。</translation>
    </message>
    <message>
        <source>The hall CA's certificate revocation list (PEM or DER), reread whenever the file changes.</source>
        <translation>大厅 CA 的证书吊销列表（PEM 或 DER），文件变化时自动重新读取。</translation>
    </message>
    <message>
        <source>People sign in by certificate only: passwords are refused (devices keep theirs).</source>
        <translation>人员只能用证书登录：拒绝密码登录（设备仍可用密码）。</translation>
    </message>
    <message>
        <source>account certificate takes "add", "remove" or "list".</source>
        <translation>account certificate 后须跟 "add"、"remove" 或 "list"。</translation>
    </message>
    <message>
        <source>--client-ca needs TLS (--tls-cert and --tls-key): a client certificate comes only with an https connection.</source>
        <translation>--client-ca 需要 TLS（--tls-cert 和 --tls-key）：客户端证书只能随 https 连接提供。</translation>
    </message>
    <message>
        <source>--client-crl goes with --client-ca.</source>
        <translation>--client-crl 须与 --client-ca 一起使用。</translation>
    </message>
    <message>
        <source>account certificate needs --login.</source>
        <translation>account certificate 需要 --login。</translation>
    </message>
    <message>
        <source>%1	subject %2	issuer %3	since %4</source>
        <translation>%1	主题 %2	签发者 %3	绑定于 %4</translation>
    </message>
    <message>
        <source>No certificate is assigned.</source>
        <translation>尚未绑定任何证书。</translation>
    </message>
    <message>
        <source>account certificate add/remove needs the certificate file: hall-server account certificate add --login L officer.pem (%1)</source>
        <translation>account certificate add/remove 需要证书文件：hall-server account certificate add --login L officer.pem（%1）</translation>
    </message>
    <message>
        <source>%1 holds no certificate (PEM or DER) with a subject.</source>
        <translation>%1 中没有带主题的证书（PEM 或 DER）。</translation>
    </message>
    <message>
        <source>The certificate subject %1 was not assigned to %2.</source>
        <translation>证书主题 %1 未绑定到 %2。</translation>
    </message>
    <message>
        <source>The certificate subject %1 is assigned to %2 already; remove it there first.</source>
        <translation>证书主题 %1 已绑定到 %2；请先从该账号解除。</translation>
    </message>
    <message>
        <source>%1 signs in with certificates of subject %2 issued by %3.</source>
        <translation>%1 可用 %3 签发的、主题为 %2 的证书登录。</translation>
    </message>
    <message>
        <source>--notify needs --personal-key: the phone numbers kept for reminders are sealed with it.</source>
        <translation>--notify 需要 --personal-key：为提醒而保存的手机号码用它加密。</translation>
    </message>
    <message>
        <source>hall takes "password-sign-in --hall CODE on|off".</source>
        <translation>hall 命令的用法为 "password-sign-in --hall CODE on|off"。</translation>
    </message>
    <message>
        <source>The people of hall %1 may sign in with a password.</source>
        <translation>大厅 %1 的人员可以用密码登录。</translation>
    </message>
    <message>
        <source>The people of hall %1 sign in by certificate only.</source>
        <translation>大厅 %1 的人员只能用证书登录。</translation>
    </message>
    <message>
        <source>account add: code of the account's hall; report: the hall reported on.</source>
        <translation>account add：账号所属大厅的编码；report：报表所属大厅。</translation>
    </message>
    <message>
        <source>audit verify, verify-export, report verify: the public key the heads or the file must be signed with.</source>
        <translation>audit verify、verify-export、report verify：链头或文件应使用的签名公钥。</translation>
    </message>
    <message>
        <source>audit export: the moment after the last, ISO 8601; report: the last day (included).</source>
        <translation>audit export：截止时间（不含），ISO 8601；report：最后一天（含）。</translation>
    </message>
    <message>
        <source>report: the (first) day, e.g. 2026-11-23.</source>
        <translation>report：（起始）日期，例如 2026-11-23。</translation>
    </message>
    <message>
        <source>report: csv (for Excel) or json; by default from the file's name.</source>
        <translation>report：csv（供 Excel 使用）或 json；默认按文件名判断。</translation>
    </message>
    <message>
        <source>serve (default), seed, account, audit or report.</source>
        <translation>serve（默认）、seed、account、audit 或 report。</translation>
    </message>
    <message>
        <source>report verify needs the public key and the file: hall-server report verify --audit-public-key audit-sm2.pem.pub report.csv</source>
        <translation>report verify 需要公钥和文件：hall-server report verify --audit-public-key audit-sm2.pem.pub report.csv</translation>
    </message>
    <message>
        <source>%1 is intact and signed by this key.</source>
        <translation>%1 完整，且由此密钥签名。</translation>
    </message>
    <message>
        <source>%1 does not match its signature: it was changed after it was signed, or another key signed it.</source>
        <translation>%1 与其签名不符：签名后被修改过，或由其他密钥签名。</translation>
    </message>
    <message>
        <source>report needs the file: hall-server report --hall swzx --date 2026-11-23 report-2026-11-23.csv</source>
        <translation>report 需要指定文件：hall-server report --hall swzx --date 2026-11-23 report-2026-11-23.csv</translation>
    </message>
    <message>
        <source>--format takes csv or json.</source>
        <translation>--format 取 csv 或 json。</translation>
    </message>
    <message>
        <source>Report written to %1, signed in %1.sig; check with: openssl dgst -sm3 -verify KEY.pub -signature %1.sig %1</source>
        <translation>报表已写入 %1，签名在 %1.sig；核验：openssl dgst -sm3 -verify KEY.pub -signature %1.sig %1</translation>
    </message>
    <message>
        <source>PEM private key of the certificate (default: the systemd credential tls-key).</source>
        <translation>证书的 PEM 私钥（默认：systemd 凭据 tls-key）。</translation>
    </message>
    <message>
        <source>SM2 private key (PEM, readable by its owner only) that signs the audit chain (default: the systemd credential audit-key).</source>
        <translation>签署审计链的 SM2 私钥（PEM 格式，仅所有者可读；默认：systemd 凭据 audit-key）。</translation>
    </message>
    <message>
        <source>Reminders by text message: the gateways' configuration (JSON, readable by its owner only; docs/operations.md; default: the systemd credential notify).</source>
        <translation>短信提醒：网关配置文件（JSON，仅限所有者可读；见 docs/operations.md；默认：systemd 凭据 notify）。</translation>
    </message>
    <message>
        <source>32 random bytes (readable by its owner only) that seal the phone numbers kept for reminders (default: the systemd credential personal-key).</source>
        <translation>加密为提醒而保存的手机号码所用的 32 字节随机密钥文件（仅限所有者可读；默认：systemd 凭据 personal-key）。</translation>
    </message>
    <message>
        <source>Cannot read the TLS certificate %1.</source>
        <translation>无法读取 TLS 证书 %1。</translation>
    </message>
    <message>
        <source>--tls-cert needs its key: --tls-key FILE, or the systemd credential tls-key.</source>
        <translation>--tls-cert 需要对应的私钥：--tls-key 文件，或 systemd 凭据 tls-key。</translation>
    </message>
    <message>
        <source>--tls-key needs --tls-cert.</source>
        <translation>--tls-key 需要同时指定 --tls-cert。</translation>
    </message>
    <message>
        <source>HallSuite hall service.

  hall-server [serve]            run the service
  hall-server seed FILE          load or update a hall from a JSON file
  hall-server account add ...    create an account (password on stdin)
  hall-server account list       every account: login, role, hall, state
  hall-server account password --login L   set a new password (on stdin), changed at the next sign-in
  hall-server account disable|enable --login L   stop or allow an account's sign-in (a running server ends its sessions)
  hall-server account certificate add|remove --login L FILE   assign a certificate's subject to an account
  hall-server account certificate list [--login L]            the certificates that sign in
  hall-server hall password-sign-in --hall CODE on|off   whether the hall's people may sign in with a password
  hall-server audit keygen FILE  make an SM2 key that signs the audit chain (public key: FILE.pub)
  hall-server audit keygen --keychain FILE.pub   the same, the private key kept in the OS keychain
  hall-server audit import-key FILE   move a key file into the OS keychain (then remove FILE)
  hall-server audit verify       check the audit chain and its signed heads
  hall-server audit export --from T --to T FILE   entries as JSON lines, SM2-signed (FILE.sig)
  hall-server audit verify-export --audit-public-key KEY.pub FILE   check an export's signature and entries
  hall-server report --hall CODE --date D [--to D] FILE   a hall's statistics, CSV or JSON, SM2-signed (FILE.sig)
  hall-server report verify --audit-public-key KEY.pub FILE   check a report's signature</source>
        <translation>HallSuite 大厅服务。

  hall-server [serve]            运行服务
  hall-server seed FILE          从 JSON 文件载入或更新大厅
  hall-server account add ...    创建账户（密码从标准输入读取）
  hall-server account list       列出所有账户：登录名、角色、大厅、状态
  hall-server account password --login L   设置新密码（从标准输入读取），下次登录时须修改
  hall-server account disable|enable --login L   停用或启用账户的登录（正在运行的服务器会结束其会话）
  hall-server account certificate add|remove --login L FILE   将证书主题绑定到账户或解除
  hall-server account certificate list [--login L]            列出可登录的证书
  hall-server hall password-sign-in --hall CODE on|off   大厅人员是否可用密码登录
  hall-server audit keygen FILE  生成为审计链签名的 SM2 密钥（公钥：FILE.pub）
  hall-server audit keygen --keychain FILE.pub   同上，私钥保存在操作系统密钥链中
  hall-server audit import-key FILE   把密钥文件移入操作系统密钥链（之后删除 FILE）
  hall-server audit verify       核验审计链及其签名链头
  hall-server audit export --from T --to T FILE   以 JSON 行导出条目，附 SM2 签名（FILE.sig）
  hall-server audit verify-export --audit-public-key KEY.pub FILE   核验导出文件的签名和条目
  hall-server report --hall CODE --date D [--to D] FILE   大厅统计报表，CSV 或 JSON，附 SM2 签名（FILE.sig）
  hall-server report verify --audit-public-key KEY.pub FILE   核验报表的签名</translation>
    </message>
    <message>
        <source>%1 is disabled; a running hall-server ends its sessions within a second.</source>
        <translation>%1 已停用；正在运行的 hall-server 会在一秒内结束其会话。</translation>
    </message>
    <message>
        <source>%1 may sign in again.</source>
        <translation>%1 可以重新登录了。</translation>
    </message>
    <message>
        <source>account takes "add", "list", "password", "disable", "enable" or "certificate".</source>
        <translation>account 的子命令为“add”“list”“password”“disable”“enable”或“certificate”。</translation>
    </message>
    <message>
        <source>account disable/enable needs --login.</source>
        <translation>account disable/enable 需要 --login。</translation>
    </message>
    <message numerus="yes">
        <source>%1 no longer signs in with the certificate subject %2; %n session(s) signed in with it ended (a running hall-server ends them within a second).</source>
        <translation>
            <numerusform>%1 不再能用证书主题 %2 登录；用它登录的 %n 个会话已结束（正在运行的 hall-server 会在一秒内结束它们）。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HallStore</name>
    <message>
        <source>The stored configuration of hall %1 is not valid: %2</source>
        <translation>已保存的大厅 %1 配置无效：%2</translation>
    </message>
    <message>
        <source>There is no hall "%1".</source>
        <translation>不存在大厅“%1”。</translation>
    </message>
</context>
<context>
    <name>HallSync</name>
    <message>
        <source>device %1, epoch %2, next entry %3, checkpoint %4</source>
        <translation>设备 %1，轮次 %2，下一条 %3，检查点 %4</translation>
    </message>
    <message>
        <source>waiting: %1 (oldest %2); rejected: %3; open conflicts: %4; parked: %5</source>
        <translation>待发送：%1（最早 %2）；被拒：%3；未决冲突：%4；已搁置：%5</translation>
    </message>
    <message>
        <source>last push %1, last pull %2</source>
        <translation>最近推送 %1，最近拉取 %2</translation>
    </message>
    <message>
        <source>cannot sign in: %1</source>
        <translation>无法登录：%1</translation>
    </message>
    <message>
        <source>; reset required: %1</source>
        <translation>；需要重置：%1</translation>
    </message>
    <message>
        <source>The cache file.</source>
        <translation>缓存文件。</translation>
    </message>
    <message>
        <source>hall-server address, e.g. https://hall-server.local:8443</source>
        <translation>hall-server 地址，例如 https://hall-server.local:8443</translation>
    </message>
    <message>
        <source>The hall's code.</source>
        <translation>大厅代码。</translation>
    </message>
    <message>
        <source>The account to sync as.</source>
        <translation>用于同步的账号。</translation>
    </message>
    <message>
        <source>sync: stop after this many seconds even if entries wait.</source>
        <translation>sync：到此秒数即停止，即使仍有待发送条目。</translation>
    </message>
    <message>
        <source>What to do (see above).</source>
        <translation>要执行的操作（见上）。</translation>
    </message>
    <message>
        <source>give --cache FILE and a command; see --help.</source>
        <translation>请给出 --cache 文件和命令；见 --help。</translation>
    </message>
    <message>
        <source>%1 unsent entries written to %2</source>
        <translation>%1 条未发送条目已写入 %2</translation>
    </message>
    <message>
        <source>Reset: unsent entries are in %1 and parked; a new epoch starts.</source>
        <translation>已重置：未发送条目已写入 %1 并搁置；开始新的轮次。</translation>
    </message>
    <message>
        <source>%1 parked entries queued again.</source>
        <translation>%1 条搁置条目已重新排队。</translation>
    </message>
    <message>
        <source>rate TICKET LEVEL: a ticket id and a level from 1 to 5.</source>
        <translation>rate 票号 等级：票号 id 和 1 至 5 的等级。</translation>
    </message>
    <message>
        <source>Unknown command "%1"; see --help.</source>
        <translation>未知命令“%1”，请查看 --help。</translation>
    </message>
    <message>
        <source>--cipher: sm4 or aes-gcm.</source>
        <translation>--cipher：sm4 或 aes-gcm。</translation>
    </message>
    <message>
        <source>(sealed)</source>
        <translation>（已加密）</translation>
    </message>
    <message>
        <source>lease %1: %2 %3-%4, %5 used, %6 left, %7 until %8%9</source>
        <translation>号段 %1：%2 %3-%4，已用 %5，剩余 %6，%7 至 %8%9</translation>
    </message>
    <message>
        <source> (over)</source>
        <translation>（已结束）</translation>
    </message>
    <message>
        <source>give --id-number or --phone, not both.</source>
        <translation>请给出 --id-number 或 --phone，不能同时给出。</translation>
    </message>
    <message>
        <source>personal fields are not stored without the key: %1</source>
        <translation>没有密钥，不保存个人信息：%1</translation>
    </message>
    <message>
        <source>blobs to upload: %1 (%2 MB)</source>
        <translation>待上传文件：%1（%2 MB）</translation>
    </message>
    <message>
        <source>hall-sync: entries with personal fields wait: %1</source>
        <translation>hall-sync：含个人信息的条目暂不发送：%1</translation>
    </message>
    <message>
        <source>hall-sync: no new lease for %1</source>
        <translation>hall-sync：未取得新号段：%1</translation>
    </message>
    <message>
        <source>hall-sync: blobs cannot be uploaded: %1</source>
        <translation>hall-sync：无法上传文件：%1</translation>
    </message>
    <message>
        <source>sync: %1 waiting, %2 rejected, %3 conflicts, %4 MB of blobs waiting%5</source>
        <translation>同步：%1 条待发送，%2 条被拒，%3 条冲突，%4 MB 文件待上传%5</translation>
    </message>
    <message>
        <source>work: milliseconds between local writes.</source>
        <translation>work：两次本地写入之间的毫秒数。</translation>
    </message>
    <message>
        <source>work: served ticket ids to rate, comma-separated.</source>
        <translation>work：可评价的已办结票号 ID，以逗号分隔。</translation>
    </message>
    <message>
        <source>work: how many notices (N0, N1, …) to edit.</source>
        <translation>work：要编辑的公告数量（N0、N1……）。</translation>
    </message>
    <message>
        <source>issue-offline: the applicant's ID number (stored sealed).</source>
        <translation>issue-offline：申请人身份证号（加密保存）。</translation>
    </message>
    <message>
        <source>issue-offline: the applicant's mobile number (stored sealed).</source>
        <translation>issue-offline：申请人手机号（加密保存）。</translation>
    </message>
    <message>
        <source>issue-offline: a priority level of the business.</source>
        <translation>issue-offline：该业务的优先级名称。</translation>
    </message>
    <message>
        <source>Keychain service that holds this cache's key.</source>
        <translation>保存本缓存密钥的钥匙串服务名。</translation>
    </message>
    <message>
        <source>Cipher for personal fields and blobs: aes-gcm, or sm4 for 国密 (SM4 at rest, SM3 blob hashes).</source>
        <translation>个人信息字段和文件的加密方式：aes-gcm，或国密 sm4（静态数据用 SM4，文件哈希用 SM3）。</translation>
    </message>
    <message>
        <source>The kiosk's time for issue-offline and leases (ISO 8601), for tests against a server with a fake clock.</source>
        <translation>取号机时间（ISO 8601），用于 issue-offline 和号段；供对接模拟时钟服务器的测试使用。</translation>
    </message>
    <message>
        <source>add-material: the material's type.</source>
        <translation>add-material：材料类型。</translation>
    </message>
    <message>
        <source>--now: an ISO 8601 time, e.g. 2026-11-23T09:30:00.</source>
        <translation>--now：ISO 8601 时间，例如 2026-11-23T09:30:00。</translation>
    </message>
    <message>
        <source>decide EPOCH/SEQ server|mine: which conflict, and whose version stays.</source>
        <translation>decide EPOCH/SEQ server|mine：指定冲突，以及保留哪一方的版本。</translation>
    </message>
    <message>
        <source>Made again as %1/%2 on top of the server's version.</source>
        <translation>已基于服务器版本重新生成为 %1/%2。</translation>
    </message>
    <message>
        <source>no key for the cache, nothing stored: %1</source>
        <translation>缓存没有密钥，未保存任何内容：%1</translation>
    </message>
    <message>
        <source>work needs --server, --hall and --login (password on standard input).</source>
        <translation>work 需要 --server、--hall 和 --login（密码从标准输入读取）。</translation>
    </message>
    <message>
        <source>lease BUSINESS [SIZE]: SIZE is a number of tickets.</source>
        <translation>lease 业务 [数量]：数量为票号个数。</translation>
    </message>
    <message>
        <source>There is no conflict %1/%2.</source>
        <translation>不存在冲突 %1/%2。</translation>
    </message>
    <message>
        <source>PEM file of the hall CA that issued hall-server's certificate (https).</source>
        <translation>签发 hall-server 证书的大厅 CA 的 PEM 文件（https）。</translation>
    </message>
    <message>
        <source>Sign in with the certificate in this PKCS#12 file instead of a password (its password on standard input).</source>
        <translation>用此 PKCS#12 文件中的证书代替密码登录（文件密码从标准输入读取）。</translation>
    </message>
    <message>
        <source>The PKCS#11 module of the USB key or smart card, e.g. /usr/lib/softhsm/libsofthsm2.so.</source>
        <translation>USB Key 或智能卡的 PKCS#11 模块，例如 /usr/lib/softhsm/libsofthsm2.so。</translation>
    </message>
    <message>
        <source>Sign in with the key and certificate of the USB key named by this PKCS#11 URI (its PIN on standard input).</source>
        <translation>用此 PKCS#11 URI 指定的 USB Key 中的密钥和证书登录（PIN 码从标准输入读取）。</translation>
    </message>
    <message>
        <source>%1 needs --server, --hall and --login (password on standard input) or a certificate (--client-cert, --pkcs11-uri).</source>
        <translation>%1 需要 --server、--hall 和 --login（密码从标准输入读取）或证书（--client-cert、--pkcs11-uri）。</translation>
    </message>
    <message>
        <source>--client-cert or --pkcs11-uri: one certificate.</source>
        <translation>--client-cert 与 --pkcs11-uri 只能选一个证书。</translation>
    </message>
    <message>
        <source>--pkcs11-uri and --pkcs11-module go together.</source>
        <translation>--pkcs11-uri 与 --pkcs11-module 须一起使用。</translation>
    </message>
    <message>
        <source>blobs whose file is lost: %1 (their materials wait; import-blobs from an export brings them back)</source>
        <translation>文件已丢失的二进制文件：%1（引用它们的材料在等待；用 import-blobs 从导出中恢复）</translation>
    </message>
    <message>
        <source>%1 blobs the server lacks, still encrypted, in %2.blobs</source>
        <translation>服务器缺少的 %1 个二进制文件（仍为加密状态）位于 %2.blobs</translation>
    </message>
    <message>
        <source>no key for the cache, nothing imported: %1</source>
        <translation>缓存没有密钥，未导入任何内容：%1</translation>
    </message>
    <message>
        <source>%1 blobs imported and queued for upload.</source>
        <translation>已导入 %1 个二进制文件并排队等待上传。</translation>
    </message>
    <message>
        <source>work: the kinds of writes to make (rating, notice, ticket, material, return), each with :WEIGHT if wanted.</source>
        <translation>work：要写入的种类（rating、notice、ticket、material、return），可各带 :权重。</translation>
    </message>
    <message>
        <source>work: businesses to issue offline tickets for, from leases it keeps stocked.</source>
        <translation>work：离线取号的业务，号码取自其自动补充的号段。</translation>
    </message>
    <message>
        <source>hall-sync: the leases were not handed back (run return-lease when the server is reachable): %1</source>
        <translation>hall-sync：号段未交回（服务器可达时请运行 return-lease）：%1</translation>
    </message>
    <message>
        <source>The unused rest of this device's leases was handed back.</source>
        <translation>本设备号段中未用的剩余号码已交回。</translation>
    </message>
    <message>
        <source>work: --interval of 1 ms or more and --kinds (rating, notice, ticket, material, return, each with :WEIGHT if wanted).</source>
        <translation>work：--interval 不小于 1 毫秒，并指定 --kinds（rating、notice、ticket、material、return，可各带 :权重）。</translation>
    </message>
    <message>
        <source>No device has reported yet.</source>
        <translation>尚无设备上报状态。</translation>
    </message>
    <message>
        <source>reported %1 s ago</source>
        <translation>%1 秒前上报</translation>
    </message>
    <message>
        <source>UNREACHABLE: silent for %1 s</source>
        <translation>无法联系：已 %1 秒无上报</translation>
    </message>
    <message>
        <source>A PC's local cache and its sync with hall-server (docs/sync.md).

  status | pending | conflicts | parked
  export FILE | reset FILE | requeue | import-blobs FOLDER
  rate TICKET LEVEL
  notice ID TEXT | notice ID --delete
  decide EPOCH/SEQ server|mine
  work (with --server, --hall, --login; see --interval, --kinds)
  leases | offline | issue-offline BUSINESS
  devices (with --server, --hall, --login; no --cache: the hall's devices as they last reported)
  add-material TICKET FILE... (--type, --cipher)
  sync | lease BUSINESS [SIZE] | return-lease (with --server, --hall, --login; password on standard input;
      or by certificate: --client-cert FILE.p12, or --pkcs11-module LIB --pkcs11-uri URI)</source>
        <translation>本机本地缓存及其与 hall-server 的同步（docs/sync.md）。

  status | pending | conflicts | parked
  export FILE | reset FILE | requeue | import-blobs FOLDER
  rate TICKET LEVEL
  notice ID TEXT | notice ID --delete
  decide EPOCH/SEQ server|mine
  work（需 --server、--hall、--login；参见 --interval、--kinds）
  leases | offline | issue-offline BUSINESS
  devices（需 --server、--hall、--login；无需 --cache：大厅各设备最近一次上报的状态）
  add-material TICKET FILE...（--type、--cipher）
  sync | lease BUSINESS [SIZE] | return-lease（需 --server、--hall、--login；密码从标准输入读取；
      或用证书：--client-cert FILE.p12，或 --pkcs11-module LIB --pkcs11-uri URI）</translation>
    </message>
    <message>
        <source>cached rows of sync feed format %1 (this build reads up to %2)</source>
        <translation>缓存数据的同步格式为 %1（本版本最高可读 %2）</translation>
    </message>
    <message>
        <source>; upgrade required: %1</source>
        <translation>；需要升级：%1</translation>
    </message>
</context>
<context>
    <name>IdCard</name>
    <message>
        <source>Resident identity card</source>
        <translation>居民身份证</translation>
    </message>
    <message>
        <source>Residence permit for Hong Kong, Macau and Taiwan residents</source>
        <translation>港澳台居民居住证</translation>
    </message>
    <message>
        <source>Foreign permanent resident ID card</source>
        <translation>外国人永久居留身份证</translation>
    </message>
</context>
<context>
    <name>Imaging</name>
    <message>
        <source>There is no page image to save.</source>
        <translation>没有可保存的页面图像。</translation>
    </message>
    <message>
        <source>The page could not be encoded as PNG.</source>
        <translation>无法将该页编码为 PNG。</translation>
    </message>
    <message>
        <source>The page is %1 KB as PNG, over the %2 KB allowed for this material. Save it as JPEG, in black and white, or at a lower resolution.</source>
        <translation>该页保存为 PNG 后为 %1 KB，超过此材料允许的 %2 KB。请改存为 JPEG、使用黑白模式或降低分辨率。</translation>
    </message>
    <message>
        <source>The page could not be encoded as JPEG.</source>
        <translation>无法将该页编码为 JPEG。</translation>
    </message>
    <message>
        <source>The page is still %1 KB as JPEG at the lowest quality allowed (%2), over the %3 KB allowed for this material. Scan it in black and white or at a lower resolution.</source>
        <translation>该页以允许的最低质量（%2）保存为 JPEG 后仍为 %1 KB，超过此材料允许的 %3 KB。请使用黑白模式或较低分辨率扫描。</translation>
    </message>
    <message>
        <source>There are no pages to put into the PDF.</source>
        <translation>没有可放入 PDF 的页。</translation>
    </message>
    <message>
        <source>Page %1 has no image.</source>
        <translation>第 %1 页没有图像。</translation>
    </message>
    <message>
        <source>The PDF could not be started.</source>
        <translation>无法创建 PDF。</translation>
    </message>
    <message>
        <source>The PDF is %1 KB, over the %2 KB allowed for this material. Save the pages in black and white, at a lower resolution, or fewer of them.</source>
        <translation>PDF 为 %1 KB，超过此材料允许的 %2 KB。请使用黑白模式、降低分辨率或减少页数后再保存。</translation>
    </message>
</context>
<context>
    <name>InstanceLock</name>
    <message>
        <source>%1 for role "%2" is already running on this PC (process %3 on %4); close it first. Lock file: %5</source>
        <translation>%1（角色“%2”）已在本机运行（%4 上的进程 %3），请先将其关闭。锁文件：%5</translation>
    </message>
    <message>
        <source>Cannot create the lock file %1 that keeps %2 to one instance per role.</source>
        <translation>无法创建锁文件 %1（用于保证 %2 每个角色只运行一个实例）。</translation>
    </message>
</context>
<context>
    <name>JsonFile</name>
    <message>
        <source>not valid JSON at line %1, column %2: %3</source>
        <translation>第 %1 行第 %2 列不是有效的 JSON：%3</translation>
    </message>
    <message>
        <source>must be a JSON object: %1</source>
        <translation>必须是 JSON 对象：%1</translation>
    </message>
    <message>
        <source>Cannot read %1 %2: %3</source>
        <translation>无法读取%1 %2：%3</translation>
    </message>
    <message>
        <source>Error in %1 %2: %3</source>
        <translation>%1 %2 有误：%3</translation>
    </message>
</context>
<context>
    <name>JsonReader</name>
    <message>
        <source>%1: required field is missing</source>
        <translation>%1：缺少必填字段</translation>
    </message>
    <message>
        <source>%1: must be text</source>
        <translation>%1：必须是文本</translation>
    </message>
    <message>
        <source>%1: must not be empty</source>
        <translation>%1：不能为空</translation>
    </message>
    <message>
        <source>%1: must be a whole number</source>
        <translation>%1：必须是整数</translation>
    </message>
    <message>
        <source>%1: must be between %2 and %3</source>
        <translation>%1：必须在 %2 到 %3 之间</translation>
    </message>
    <message>
        <source>%1: must be true or false</source>
        <translation>%1：必须是 true 或 false</translation>
    </message>
    <message>
        <source>%1: must be a time like 08:30</source>
        <translation>%1：必须是时间，如 08:30</translation>
    </message>
    <message>
        <source>%1: must be a list</source>
        <translation>%1：必须是列表</translation>
    </message>
    <message>
        <source>%1: must be an object</source>
        <translation>%1：必须是对象</translation>
    </message>
    <message>
        <source>%1: unknown field</source>
        <translation>%1：未知字段</translation>
    </message>
</context>
<context>
    <name>KeyManager</name>
    <message>
        <source>The key for personal data (%1) cannot be fetched, so personal data is not stored on this PC. %2</source>
        <translation>无法获取个人信息密钥（%1），因此本机不保存个人信息。%2</translation>
    </message>
    <message>
        <source>The keychain entry %1/%2 is not a 256-bit key (%3 bytes). It was left as it is; personal data is not stored until an administrator restores or removes it.</source>
        <translation>钥匙串条目 %1/%2 不是 256 位密钥（%3 字节）。该条目保持原样；在管理员恢复或删除它之前，不保存个人信息。</translation>
    </message>
    <message>
        <source>The cryptographic library cannot derive keys (SM3 unavailable).</source>
        <translation>密码库无法派生密钥（SM3 不可用）。</translation>
    </message>
    <message>
        <source>No random numbers for a new key.</source>
        <translation>无法获得生成新密钥所需的随机数。</translation>
    </message>
    <message>
        <source>%1 is not a 256-bit key (%2 bytes).</source>
        <translation>%1 不是 256 位密钥（%2 字节）。</translation>
    </message>
</context>
<context>
    <name>Keychain</name>
    <message>
        <source>The keychain has no entry for %1.</source>
        <translation>钥匙串中没有 %1 的条目。</translation>
    </message>
    <message>
        <source>No keychain is available (no Secret Service on the session bus). Sign in to a desktop session with a keyring, or ask the hall's administrator to set one up. Details: %1</source>
        <translation>没有可用的钥匙串（会话总线上没有 Secret Service）。请登录带有密钥环的桌面会话，或请大厅管理员进行配置。详情：%1</translation>
    </message>
    <message>
        <source>The keychain is locked. Unlock it (sign in to the desktop session) and try again. Details: %1</source>
        <translation>钥匙串已锁定。请解锁（登录桌面会话）后重试。详情：%1</translation>
    </message>
    <message>
        <source>The keychain refused access to %1. Details: %2</source>
        <translation>钥匙串拒绝访问 %1。详情：%2</translation>
    </message>
    <message>
        <source>The keychain failed for %1: %2</source>
        <translation>钥匙串操作 %1 失败：%2</translation>
    </message>
    <message>
        <source>The keychain did not answer within %1 seconds (it may be waiting for an unlock prompt nobody can see).</source>
        <translation>钥匙串在 %1 秒内没有响应（可能在等待一个无人能看到的解锁提示）。</translation>
    </message>
</context>
<context>
    <name>KioskConfig</name>
    <message>
        <source>app.orientation: "portrait" or "landscape", not "%1"</source>
        <translation>app.orientation：应为 "portrait"（竖屏）或 "landscape"（横屏），而不是 "%1"</translation>
    </message>
    <message>
        <source>The configuration file %1 is not right: %2</source>
        <translation>配置文件 %1 有误：%2</translation>
    </message>
</context>
<context>
    <name>Layout</name>
    <message>
        <source>%1: "%2" is no colour (examples: "#ffd166", "white")</source>
        <translation>%1："%2" 不是颜色（例如 "#ffd166"、"white"）</translation>
    </message>
    <message>
        <source>%1: %2 px cannot be read from 10 m; at least %3 px</source>
        <translation>%1：%2 像素的字在 10 米外看不清，至少 %3 像素</translation>
    </message>
    <message>
        <source>%1[%2]: must be a window number or business code (text)</source>
        <translation>%1[%2]：必须是窗口号或业务代码（文本）</translation>
    </message>
    <message>
        <source>design: [width, height] in pixels, from [640, 360] to [7680, 4320]</source>
        <translation>design：[宽, 高]，单位像素，从 [640, 360] 到 [7680, 4320]</translation>
    </message>
    <message>
        <source>%1: must be an object {"kind": …, "rect": [x, y, width, height]}</source>
        <translation>%1：必须是对象 {"kind": …, "rect": [x, y, 宽, 高]}</translation>
    </message>
    <message>
        <source>%1.kind: "%2" is none of %3</source>
        <translation>%1.kind："%2" 不是 %3 之一</translation>
    </message>
    <message>
        <source>%1.kind: a second "%2" area</source>
        <translation>%1.kind：第二个 "%2" 区域</translation>
    </message>
    <message>
        <source>%1.rect: [x, y, width, height] in pixels, width and height above 0</source>
        <translation>%1.rect：[x, y, 宽, 高]，单位像素，宽和高大于 0</translation>
    </message>
    <message>
        <source>%1.rect: [%2, %3, %4, %5] reaches outside the screen (%6×%7)</source>
        <translation>%1.rect：[%2, %3, %4, %5] 超出屏幕范围（%6×%7）</translation>
    </message>
    <message>
        <source>%1.rect: overlaps areas[%2]</source>
        <translation>%1.rect：与 areas[%2] 重叠</translation>
    </message>
    <message>
        <source>%1: %2 rows of %3 px type do not fit in %4 px</source>
        <translation>%1：%2 行 %3 像素的字放不进 %4 像素高</translation>
    </message>
    <message>
        <source>%1.fontSize: %2 px type does not fit in the area's %3 px height</source>
        <translation>%1.fontSize：%2 像素的字放不进该区域 %3 像素的高度</translation>
    </message>
    <message>
        <source>areas: a wall needs a "windows" area (the current calls)</source>
        <translation>areas：综合屏必须有 "windows" 区域（当前叫号）</translation>
    </message>
    <message>
        <source>the wall layout</source>
        <translation>屏幕布局文件</translation>
    </message>
</context>
<context>
    <name>LeaseController</name>
    <message>
        <source>device: 8 to 64 letters, digits, - or _.</source>
        <translation>device：8 至 64 个字母、数字、- 或 _。</translation>
    </message>
    <message>
        <source>The sync state could not be read; try again.</source>
        <translation>无法读取同步状态，请重试。</translation>
    </message>
    <message>
        <source>Device %1 belongs to another account; a lease is for the caller's own device.</source>
        <translation>设备 %1 属于其他账号；号段只能租给调用者自己的设备。</translation>
    </message>
    <message>
        <source>Not a lease id: %1</source>
        <translation>不是号段编号：%1</translation>
    </message>
    <message>
        <source>You hold no lease %1 today.</source>
        <translation>您今天没有号段 %1。</translation>
    </message>
</context>
<context>
    <name>LedBarScreen</name>
    <message>
        <source>A text write needs colour and effect bytes; it has %1 bytes.</source>
        <translation>写入文字需包含颜色和特效字节，但只有 %1 字节。</translation>
    </message>
    <message>
        <source>Colour code %1 is not defined.</source>
        <translation>颜色代码 %1 未定义。</translation>
    </message>
    <message>
        <source>Effect code %1 is not defined.</source>
        <translation>特效代码 %1 未定义。</translation>
    </message>
    <message>
        <source>The text has %1 bytes; an area takes at most %2.</source>
        <translation>文字有 %1 字节，每个区域最多 %2 字节。</translation>
    </message>
    <message>
        <source>An acknowledgement without the command it acknowledges.</source>
        <translation>确认帧中缺少其所确认的命令。</translation>
    </message>
    <message>
        <source>A refusal of %1 bytes instead of 2 (command, error code).</source>
        <translation>拒绝帧有 %1 字节，应为 2 字节（命令、错误码）。</translation>
    </message>
    <message>
        <source>Command 0x%1 is no reply.</source>
        <translation>命令 0x%1 不是应答帧。</translation>
    </message>
    <message>
        <source>The LED card received a damaged frame (checksum); check the RS-485 wiring and termination.</source>
        <translation>LED 控制卡收到损坏的帧（校验和错误），请检查 RS-485 接线和终端电阻。</translation>
    </message>
    <message>
        <source>The LED card does not know the command; check that the driver matches the card's protocol.</source>
        <translation>LED 控制卡不识别该命令，请检查驱动是否与控制卡的协议相符。</translation>
    </message>
    <message>
        <source>The LED card refused the length of the frame or of the text.</source>
        <translation>LED 控制卡拒绝了该帧：帧长度或文字长度不符合要求。</translation>
    </message>
    <message>
        <source>The LED card has no such display area; check the screen's map option.</source>
        <translation>LED 控制卡没有该显示区域，请检查显示屏的 map 选项。</translation>
    </message>
    <message>
        <source>The LED card refused a write whose RAM/flash flag contradicts its command.</source>
        <translation>LED 控制卡拒绝了写入：内存（RAM）/闪存（Flash）标志与命令不一致。</translation>
    </message>
    <message>
        <source>The LED card cannot show this colour; check the colourMode option.</source>
        <translation>LED 控制卡无法显示此颜色，请检查 colourMode 选项。</translation>
    </message>
    <message>
        <source>The LED card's font lacks some characters of the text.</source>
        <translation>LED 控制卡的字库缺少文字中的部分字符。</translation>
    </message>
    <message>
        <source>The LED card is busy; it did not take the text.</source>
        <translation>LED 控制卡忙，未接收该文字。</translation>
    </message>
    <message>
        <source>The LED card could not write its flash memory; the card needs service.</source>
        <translation>LED 控制卡无法写入闪存（Flash），控制卡需要维修。</translation>
    </message>
    <message>
        <source>The LED card refused the command with the unknown error code 0x%1.</source>
        <translation>LED 控制卡拒绝了该命令，错误码 0x%1 未知。</translation>
    </message>
    <message>
        <source>"%1" is no screen target; write the card address, optionally with an area: "5" or "5:2".</source>
        <translation>“%1”不是有效的显示目标；请填写控制卡地址，可附带区域号，如 "5" 或 "5:2"。</translation>
    </message>
    <message>
        <source>Card address %1 is out of range (%2–%3).</source>
        <translation>控制卡地址 %1 超出范围（%2–%3）。</translation>
    </message>
    <message>
        <source>Area %1 is out of range (0–%2).</source>
        <translation>区域 %1 超出范围（0–%2）。</translation>
    </message>
</context>
<context>
    <name>Migrator</name>
    <message>
        <source>Cannot prepare the schema table: %1</source>
        <translation>无法准备数据库结构版本表：%1</translation>
    </message>
    <message>
        <source>Migration %1 is out of sequence (expected number %2).</source>
        <translation>数据库升级脚本 %1 顺序错误（应为第 %2 号）。</translation>
    </message>
    <message>
        <source>The database has schema version %1, written by a newer HallSuite; this build understands versions up to %2. Install the newer HallSuite or restore a backup; the database was not changed.</source>
        <translation>数据库结构版本为 %1，由更高版本的 HallSuite 写入；当前程序最高仅支持版本 %2。请安装更高版本的 HallSuite 或从备份恢复；数据库未做任何更改。</translation>
    </message>
    <message>
        <source>Cannot read migration %1.</source>
        <translation>无法读取数据库升级脚本 %1。</translation>
    </message>
    <message>
        <source>Cannot start migration %1: %2</source>
        <translation>无法开始执行数据库升级脚本 %1：%2</translation>
    </message>
    <message>
        <source>Migration %1 failed: %2
Statement: %3</source>
        <translation>数据库升级脚本 %1 执行失败：%2
语句：%3</translation>
    </message>
    <message>
        <source>Cannot record migration %1: %2</source>
        <translation>无法记录数据库升级脚本 %1：%2</translation>
    </message>
</context>
<context>
    <name>NotificationController</name>
    <message>
        <source>status must be pending, sent, failed or dropped.</source>
        <translation>status 必须是 pending、sent、failed 或 dropped。</translation>
    </message>
</context>
<context>
    <name>NotifyConfig</name>
    <message>
        <source>%1: must be http or log</source>
        <translation>%1：必须是 http 或 log</translation>
    </message>
    <message>
        <source>%1.%2: the SMS platform's template id for this reminder is missing</source>
        <translation>%1.%2：缺少此提醒在短信平台上的模板 ID</translation>
    </message>
    <message>
        <source>%1.%2: unknown reminder (ahead, called or recallable)</source>
        <translation>%1.%2：未知的提醒（ahead、called 或 recallable）</translation>
    </message>
    <message>
        <source>%1: must be an http:// or https:// address</source>
        <translation>%1：必须是 http:// 或 https:// 地址</translation>
    </message>
    <message>
        <source>%1: must be GET, POST or PUT</source>
        <translation>%1：必须是 GET、POST 或 PUT</translation>
    </message>
    <message>
        <source>%1.%2: a header's value is a text</source>
        <translation>%1.%2：请求头的值必须是文本</translation>
    </message>
    <message>
        <source>%1: must be json, form or raw</source>
        <translation>%1：必须是 json、form 或 raw</translation>
    </message>
    <message>
        <source>%1: unknown placeholder {%2}; known are {%3}</source>
        <translation>%1：未知的占位符 {%2}；可用的有 {%3}</translation>
    </message>
    <message>
        <source>%1: neither the url nor the body says where the phone goes ({phone})</source>
        <translation>%1：url 和 body 都没有指明手机号码的位置（{phone}）</translation>
    </message>
    <message>
        <source>%1: {hmac} needs an appSecret</source>
        <translation>%1：{hmac} 需要 appSecret</translation>
    </message>
    <message>
        <source>The notify configuration names no gateway ("gateway" or "halls").</source>
        <translation>短信提醒配置中没有任何网关（"gateway" 或 "halls"）。</translation>
    </message>
    <message>
        <source>notify configuration</source>
        <translation>短信提醒配置</translation>
    </message>
    <message>
        <source>%1 is not a JSON object: %2</source>
        <translation>%1 不是 JSON 对象：%2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>personal-data key</source>
        <translation>个人数据密钥</translation>
    </message>
    <message>
        <source>The personal-data key %1 is not 32 bytes (raw, base64 or hex); make one with: head -c 32 /dev/urandom &gt; %1 &amp;&amp; chmod 600 %1</source>
        <translation>个人数据密钥 %1 不是 32 字节（原始字节、base64 或十六进制）；可用以下命令生成：head -c 32 /dev/urandom &gt; %1 &amp;&amp; chmod 600 %1</translation>
    </message>
</context>
<context>
    <name>OfflineIssuer</name>
    <message>
        <source>The ID number is not valid; read the card again.</source>
        <translation>身份证号码无效，请重新读卡。</translation>
    </message>
    <message>
        <source>The mobile number is not valid.</source>
        <translation>手机号码无效。</translation>
    </message>
    <message>
        <source>Only walk-in tickets (touch, ID card, phone) are issued offline.</source>
        <translation>离线只能取现场号（触摸、身份证、手机号）。</translation>
    </message>
    <message>
        <source>This ticket needs the ID or phone number, which cannot be stored safely now: %1 Issue a ticket without it, or restore the keychain.</source>
        <translation>此票需要身份证号或手机号，但目前无法安全保存：%1 请取不含该信息的票，或恢复钥匙串。</translation>
    </message>
    <message>
        <source>This person already holds ticket %1 for this business today; reprint it instead.</source>
        <translation>此人今日已持有该业务的 %1 号，请补打。</translation>
    </message>
    <message>
        <source>No numbers are left for %1 on this kiosk; tickets can be issued again when the server is reachable.</source>
        <translation>本机 %1 业务已无可用号码；服务器恢复连接后可继续取号。</translation>
    </message>
    <message>
        <source>The lease changed while issuing; try again.</source>
        <translation>取号时号段发生变化，请重试。</translation>
    </message>
    <message>
        <source>The mobile number for reminders is not valid.</source>
        <translation>用于提醒的手机号码无效。</translation>
    </message>
</context>
<context>
    <name>OnbonScreen</name>
    <message>
        <source>A request of %1 bytes has no command.</source>
        <translation>%1 字节的请求没有命令。</translation>
    </message>
    <message>
        <source>A response of %1 bytes whose data length (%2) does not fit.</source>
        <translation>%1 字节的应答与其数据长度（%2）不符。</translation>
    </message>
    <message>
        <source>The LED controller received a damaged frame (CRC); check the wiring or the network.</source>
        <translation>LED 控制卡收到损坏的帧（CRC）；请检查接线或网络。</translation>
    </message>
    <message>
        <source>The LED controller is busy; it did not take the content.</source>
        <translation>LED 控制卡忙，未接受内容。</translation>
    </message>
    <message>
        <source>The LED controller does not know the command; check that it is a BX-5E/BX-6E card with dynamic areas.</source>
        <translation>LED 控制卡不认识该命令；请确认是支持动态区的 BX-5E/BX-6E 控制卡。</translation>
    </message>
    <message>
        <source>The LED controller has no room for the area's content.</source>
        <translation>LED 控制卡没有空间存放该区域的内容。</translation>
    </message>
    <message>
        <source>The LED controller reports a flash memory error; the card needs service.</source>
        <translation>LED 控制卡报告闪存错误，需要维修。</translation>
    </message>
    <message>
        <source>The LED controller is of another type; check the model option.</source>
        <translation>LED 控制卡型号不符；请检查 model 选项。</translation>
    </message>
    <message>
        <source>The LED controller refused the area (position, size or number); check the width, height and map options against the screen.</source>
        <translation>LED 控制卡拒绝该区域（位置、大小或编号）；请对照屏幕检查 width、height 和 map 选项。</translation>
    </message>
    <message>
        <source>The LED controller has another screen number; check the map option.</source>
        <translation>LED 控制卡的屏号不同；请检查 map 选项。</translation>
    </message>
    <message>
        <source>The LED controller refused the command with error %1.</source>
        <translation>LED 控制卡以错误 %1 拒绝了命令。</translation>
    </message>
    <message>
        <source>Only one area an update is supported.</source>
        <translation>每次更新只支持一个区域。</translation>
    </message>
    <message>
        <source>The area data length %1 does not match the %2 bytes sent.</source>
        <translation>区域数据长度 %1 与发送的 %2 字节不符。</translation>
    </message>
    <message>
        <source>Spoken text in a dynamic area is not supported.</source>
        <translation>不支持动态区中的语音。</translation>
    </message>
    <message>
        <source>An area of type 0x%1 with %2 pages is not a picture area.</source>
        <translation>类型为 0x%1、共 %2 页的区域不是图文区。</translation>
    </message>
    <message>
        <source>Page %1 claims %2 bytes.</source>
        <translation>第 %1 页声称有 %2 字节。</translation>
    </message>
    <message>
        <source>Page %1 claims %2 bytes of parameters.</source>
        <translation>第 %1 页声称有 %2 字节参数。</translation>
    </message>
    <message>
        <source>The pixels of page %1 lie beyond the %2 bytes sent.</source>
        <translation>第 %1 页的点阵超出了发送的 %2 字节。</translation>
    </message>
    <message>
        <source>The area update is cut short or too long.</source>
        <translation>区域更新数据不完整或过长。</translation>
    </message>
    <message>
        <source>A delete request of %1 bytes does not match its area count.</source>
        <translation>%1 字节的删除请求与其区域个数不符。</translation>
    </message>
    <message>
        <source>The font library could not start.</source>
        <translation>字体库无法启动。</translation>
    </message>
    <message>
        <source>font: "%1" is no font file this PC can read.</source>
        <translation>font：“%1”不是本机可读取的字体文件。</translation>
    </message>
</context>
<context>
    <name>Passwords</name>
    <message>
        <source>The password must have at least %1 characters.</source>
        <translation>密码至少需要 %1 个字符。</translation>
    </message>
    <message>
        <source>The password must mix at least %1 of: lower-case letters, upper-case letters, digits, other characters.</source>
        <translation>密码须至少包含以下 %1 类字符：小写字母、大写字母、数字、其他字符。</translation>
    </message>
    <message>
        <source>The password must not contain the login name.</source>
        <translation>密码不得包含登录名。</translation>
    </message>
    <message>
        <source>This password is published with the demo data; choose another.</source>
        <translation>此密码随演示数据公开发布，请另选一个。</translation>
    </message>
</context>
<context>
    <name>PcConfig</name>
    <message>
        <source>server: "%1" is no http:// or https:// address of the hall service</source>
        <translation>server：“%1”不是大厅服务的 http:// 或 https:// 地址</translation>
    </message>
    <message>
        <source>hall: "%1" is no hall code (letters, digits, '-', '_' and '.', at most 64)</source>
        <translation>hall：“%1”不是大厅代码（字母、数字、“-”“_”“.”，最多 64 个字符）</translation>
    </message>
    <message>
        <source>role: "%1" is no role name (letters, digits, '-', '_' and '.', at most 64)</source>
        <translation>role：“%1”不是角色名称（字母、数字、“-”“_”“.”，最多 64 个字符）</translation>
    </message>
    <message>
        <source>layout: "%1" must be "desk" or "touch"</source>
        <translation>layout：“%1”必须是 "desk" 或 "touch"</translation>
    </message>
    <message>
        <source>%1: must be a key like "F12" or "Ctrl+Shift+S" (text)</source>
        <translation>%1：必须是按键文字，例如 "F12" 或 "Ctrl+Shift+S"</translation>
    </message>
    <message>
        <source>%1: "%2" is no key (examples: "F12", "Ctrl+Shift+S", "" for none)</source>
        <translation>%1：“%2”不是按键（例如 "F12"、"Ctrl+Shift+S"，"" 表示不设按键）</translation>
    </message>
    <message>
        <source>tls.pinSha256: 64 hex digits, the SHA-256 of the server's public key</source>
        <translation>tls.pinSha256：64 位十六进制数字，即服务器公钥的 SHA-256</translation>
    </message>
    <message>
        <source>tls.caFile: cannot read %1</source>
        <translation>tls.caFile：无法读取 %1</translation>
    </message>
    <message>
        <source>account.tokenStore: "%1" must be "keychain" or "memory"</source>
        <translation>account.tokenStore："%1" 必须是 "keychain" 或 "memory"</translation>
    </message>
    <message>
        <source>the configuration file</source>
        <translation>配置文件</translation>
    </message>
</context>
<context>
    <name>PersonalData</name>
    <message>
        <source>No key for personal data; personal data is not stored.</source>
        <translation>没有个人信息密钥，不保存个人信息。</translation>
    </message>
    <message>
        <source>The key check of the cache cannot be read or written, so personal data is not stored: %1</source>
        <translation>无法读取或写入缓存的密钥校验值，因此不保存个人信息：%1</translation>
    </message>
    <message>
        <source>sealing failed</source>
        <translation>加密失败</translation>
    </message>
    <message>
        <source>The key check value of this cache is damaged (%1), so it cannot be told whether the key fits; personal data is not stored. Clear the cache and let it sync again.</source>
        <translation>此缓存的密钥校验值已损坏（%1），无法判断密钥是否匹配；不保存个人信息。请清空缓存并重新同步。</translation>
    </message>
    <message>
        <source>This cache was written with another key (key id %1; the keychain holds key id %2). Its personal data cannot be read, and nothing new is stored in it. Restore the original keychain entry, or clear the cache and let it sync again.</source>
        <translation>此缓存是用另一个密钥写入的（密钥标识 %1；钥匙串中的密钥标识为 %2）。其中的个人信息无法读取，也不会再写入新的个人信息。请恢复原来的钥匙串条目，或清空缓存并重新同步。</translation>
    </message>
</context>
<context>
    <name>Phrase</name>
    <message>
        <source>The announcement needs the field {%1}.</source>
        <translation>该播报需要字段 {%1}。</translation>
    </message>
    <message>
        <source>There is no voice clip for "%1" (in "%2"); record one or use the speech engine.</source>
        <translation>没有“%1”的语音片段（出现在“%2”中）；请录制该片段或改用语音合成引擎。</translation>
    </message>
</context>
<context>
    <name>PluginLoader</name>
    <message>
        <source>%1 is not a HallSuite driver (no key or classes in its metadata).</source>
        <translation>%1 不是 HallSuite 驱动插件（其元数据中没有 key 或 classes）。</translation>
    </message>
    <message>
        <source>Driver %1 is built for device API %2; this HallSuite needs API %3.</source>
        <translation>驱动 %1 基于设备 API %2 构建，当前 HallSuite 需要 API %3。</translation>
    </message>
    <message>
        <source>Cannot load driver %1: %2</source>
        <translation>无法加载驱动 %1：%2</translation>
    </message>
    <message>
        <source>No such driver: "%1".</source>
        <translation>找不到驱动“%1”。</translation>
    </message>
    <message>
        <source>Role "%1" names no device class; set options.class.</source>
        <translation>角色“%1”未对应任何设备类，请设置 options.class。</translation>
    </message>
    <message>
        <source>Driver %1 provides %2, not %3.</source>
        <translation>驱动 %1 提供的是 %2，而不是 %3。</translation>
    </message>
    <message>
        <source>Driver %1 does not implement the %2 factory its metadata promises.</source>
        <translation>驱动 %1 未实现其元数据中声明的 %2 工厂。</translation>
    </message>
    <message>
        <source>Driver %1 cannot list its devices; give the port by hand.</source>
        <translation>驱动 %1 无法列出其设备，请手动填写端口。</translation>
    </message>
</context>
<context>
    <name>QueueController</name>
    <message>
        <source>Unknown ticket status "%1".</source>
        <translation>未知的票号状态“%1”。</translation>
    </message>
    <message>
        <source>There is no business "%1".</source>
        <translation>不存在业务“%1”。</translation>
    </message>
    <message>
        <source>source must be touch, idcard or phone.</source>
        <translation>source 必须是 touch、idcard 或 phone。</translation>
    </message>
    <message>
        <source>Green-channel tickets are issued by staff.</source>
        <translation>绿色通道号由工作人员发放。</translation>
    </message>
    <message>
        <source>There is no ticket %1 today.</source>
        <translation>今日没有票号 %1。</translation>
    </message>
    <message>
        <source>Not a ticket id: %1</source>
        <translation>无效的票号 ID：%1</translation>
    </message>
    <message>
        <source>This request takes no body.</source>
        <translation>此请求不接受请求体。</translation>
    </message>
    <message>
        <source>slotStart and slotEnd must be ISO 8601 times like 2026-11-23T09:00:00.</source>
        <translation>slotStart 和 slotEnd 必须是 ISO 8601 格式的时间，如 2026-11-23T09:00:00。</translation>
    </message>
    <message>
        <source>Give either the appointment code or the ID number.</source>
        <translation>请提供预约码或身份证号码（二选一）。</translation>
    </message>
    <message>
        <source>reason: 1 to 200 characters saying why the ticket is voided.</source>
        <translation>reason：1 至 200 个字符，说明作废原因。</translation>
    </message>
    <message>
        <source>The mobile number for reminders is not valid.</source>
        <translation>用于提醒的手机号码无效。</translation>
    </message>
</context>
<context>
    <name>ReportController</name>
    <message>
        <source>This hall-server has no SM2 key (--audit-key or --audit-keychain); reports and receipts are handed out signed only.</source>
        <translation>此 hall-server 没有 SM2 密钥（--audit-key 或 --audit-keychain）；报表和回执只以签名形式提供。</translation>
    </message>
    <message>
        <source>date: the day of the report (2026-11-23); to: the last day of a period, not before date.</source>
        <translation>date：报表日期（2026-11-23）；to：时段的最后一天，不早于 date。</translation>
    </message>
    <message>
        <source>A report covers at most %1 days; longer periods with hall-server report on the server.</source>
        <translation>一份报表最多 %1 天；更长时段请在服务器上用 hall-server report 生成。</translation>
    </message>
    <message>
        <source>format: json or csv.</source>
        <translation>format：json 或 csv。</translation>
    </message>
    <message>
        <source>The report could not be made: %1</source>
        <translation>无法生成报表：%1</translation>
    </message>
    <message>
        <source>The ticket is named by its id.</source>
        <translation>请用票号 ID 指定票。</translation>
    </message>
    <message>
        <source>The receipt could not be made: %1</source>
        <translation>无法生成回执：%1</translation>
    </message>
    <message>
        <source>No ticket %1 in this hall.</source>
        <translation>本大厅没有票 %1。</translation>
    </message>
    <message>
        <source>Ticket %1 has not been served; a receipt is made for a served ticket only.</source>
        <translation>票 %1 尚未办结；只有办结的票才有服务回执。</translation>
    </message>
    <message>
        <source>Ticket %1 was served by another officer; ask a supervisor for its receipt.</source>
        <translation>票 %1 由其他工作人员办理；请向值班主任索取回执。</translation>
    </message>
</context>
<context>
    <name>ReportStore</name>
    <message>
        <source>No hall %1.</source>
        <translation>没有大厅 %1。</translation>
    </message>
    <message>
        <source>A report is signed: give the SM2 key (--audit-key FILE or --audit-keychain).</source>
        <translation>报表须签名：请提供 SM2 密钥（--audit-key FILE 或 --audit-keychain）。</translation>
    </message>
    <message>
        <source>--date needs a day, and --to a day not before it (e.g. --date 2026-11-01 --to 2026-11-30).</source>
        <translation>--date 需要一个日期，--to 需要不早于它的日期（例如 --date 2026-11-01 --to 2026-11-30）。</translation>
    </message>
    <message>
        <source>No hall "%1" (--hall CODE).</source>
        <translation>没有大厅“%1”（--hall CODE）。</translation>
    </message>
</context>
<context>
    <name>RequestGate</name>
    <message>
        <source>The request head is larger than %1 bytes.</source>
        <translation>请求头超过 %1 字节。</translation>
    </message>
    <message>
        <source>Send the body with a Content-Length; chunked bodies are not accepted.</source>
        <translation>请求体须带 Content-Length 发送；不接受分块（chunked）传输。</translation>
    </message>
    <message>
        <source>The Content-Length header is not a number of bytes.</source>
        <translation>Content-Length 头不是字节数。</translation>
    </message>
    <message>
        <source>The request body is larger than %1 bytes.</source>
        <translation>请求体超过 %1 字节。</translation>
    </message>
</context>
<context>
    <name>SamReader</name>
    <message>
        <source>The card holds no such information (for example no additional address).</source>
        <translation>证件中没有该项信息（例如没有追加住址）。</translation>
    </message>
    <message>
        <source>The reader received a command with a wrong checksum.</source>
        <translation>阅读器收到的命令校验和错误。</translation>
    </message>
    <message>
        <source>The reader received a command with a wrong length.</source>
        <translation>阅读器收到的命令长度错误。</translation>
    </message>
    <message>
        <source>The reader does not know this command.</source>
        <translation>阅读器不识别此命令。</translation>
    </message>
    <message>
        <source>The reader refused an unauthorised operation.</source>
        <translation>阅读器拒绝了越权操作。</translation>
    </message>
    <message>
        <source>The reader reported an unrecognised error.</source>
        <translation>阅读器报告了无法识别的错误。</translation>
    </message>
    <message>
        <source>The card failed to authenticate the reader's security module; place the card again.</source>
        <translation>证件认证阅读器安全模块失败，请重新放置证件。</translation>
    </message>
    <message>
        <source>The reader's security module failed to authenticate the card; the card may be damaged or not genuine.</source>
        <translation>阅读器安全模块认证证件失败，证件可能已损坏或不是真实证件。</translation>
    </message>
    <message>
        <source>The information on the card failed verification.</source>
        <translation>证件信息校验失败。</translation>
    </message>
    <message>
        <source>This is not an identity card the reader knows.</source>
        <translation>阅读器不支持此类证件。</translation>
    </message>
    <message>
        <source>Reading the card failed; keep the card still on the reader and try again.</source>
        <translation>读卡失败，请将证件平稳放在阅读器上后重试。</translation>
    </message>
    <message>
        <source>The card did not give a random number; place the card again.</source>
        <translation>证件未返回随机数，请重新放置证件。</translation>
    </message>
    <message>
        <source>The reader's security module failed its self-test; the reader needs service.</source>
        <translation>阅读器安全模块自检失败，阅读器需要维修。</translation>
    </message>
    <message>
        <source>The reader's security module is not authorised; the reader needs service.</source>
        <translation>阅读器安全模块未获授权，阅读器需要维修。</translation>
    </message>
    <message>
        <source>No card on the reader; place the identity card on it.</source>
        <translation>阅读器上没有证件，请将身份证放到阅读器上。</translation>
    </message>
    <message>
        <source>The card could not be selected; place it again.</source>
        <translation>选卡失败，请重新放置证件。</translation>
    </message>
    <message>
        <source>The reader answered with an unknown status 0x%1.</source>
        <translation>阅读器返回了未知状态 0x%1。</translation>
    </message>
    <message>
        <source>The text record has %1 bytes instead of 256.</source>
        <translation>文字信息有 %1 字节，应为 256 字节。</translation>
    </message>
    <message>
        <source>The text record is damaged (number, birth date or validity unreadable).</source>
        <translation>文字信息已损坏（无法识别证件号码、出生日期或有效期限）。</translation>
    </message>
    <message>
        <source>The card data is too short.</source>
        <translation>证件数据过短。</translation>
    </message>
    <message>
        <source>The card data has inconsistent lengths (text %1, photo %2, fingerprint %3, total %4).</source>
        <translation>证件数据长度不一致（文字 %1、照片 %2、指纹 %3、总计 %4）。</translation>
    </message>
    <message>
        <source>The number read from the card fails its check digit; read the card again.</source>
        <translation>从身份证读出的号码校验位不正确，请重新读卡。</translation>
    </message>
    <message>
        <source>The card is of a type this driver does not know ("%1"); it may be a newer kind of card.</source>
        <translation>本驱动不认识这种证件类型（“%1”），可能是新版证件。</translation>
    </message>
</context>
<context>
    <name>SecretFile</name>
    <message>
        <source>Cannot read the %1 %2: %3</source>
        <translation>无法读取%1 %2：%3</translation>
    </message>
    <message>
        <source>The %1 %2 can be read by others; allow its owner only (chmod 600).</source>
        <translation>%1 %2 可被他人读取；请仅允许其所有者访问（chmod 600）。</translation>
    </message>
</context>
<context>
    <name>SpeechEngineFactory</name>
    <message>
        <source>This build of HallSuite has no text-to-speech (Qt TextToSpeech was not found when it was built). Use the clip engine (voice engine "clips").</source>
        <translation>此版本的 HallSuite 不含语音合成功能（构建时未找到 Qt TextToSpeech）。请使用语音片段引擎（语音引擎 "clips"）。</translation>
    </message>
    <message>
        <source>The clip engine needs the voice clips, and none were loaded.</source>
        <translation>语音片段引擎需要语音片段，但未加载到任何片段。</translation>
    </message>
    <message>
        <source>Unknown voice engine "%1"; use clips, tts (or tts:&lt;engine&gt;:&lt;voice&gt;) or auto.</source>
        <translation>未知的语音引擎“%1”；请使用 clips、tts（或 tts:&lt;engine&gt;:&lt;voice&gt;）或 auto。</translation>
    </message>
    <message>
        <source>The hall voice's engines cannot be loaded: %1</source>
        <translation>无法加载大厅语音引擎：%1</translation>
    </message>
</context>
<context>
    <name>SyncCache</name>
    <message>
        <source>No key for personal data is available, so personal fields cannot be stored or sent.</source>
        <translation>没有个人信息密钥，个人信息无法保存或发送。</translation>
    </message>
    <message>
        <source>The sync cache %1 was written by a newer HallSuite than this one. %2 Its unsent entries are kept in it and go to the server once that version (or a newer one) runs on this PC again.</source>
        <translation>同步缓存 %1 由比当前更新的 HallSuite 写入。%2 其中未发送的记录均保留在缓存中，待本机重新运行该版本（或更新版本）后再发送到服务器。</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source>device: 8 to 64 letters, digits, - or _.</source>
        <translation>device：8 至 64 个字母、数字、- 或 _。</translation>
    </message>
    <message>
        <source>epoch: must be 1 or more.</source>
        <translation>epoch：必须不小于 1。</translation>
    </message>
    <message>
        <source>entries: between 1 and %1 entries per request.</source>
        <translation>entries：每次请求 1 至 %1 条。</translation>
    </message>
    <message>
        <source>entries[%1]: must be an object.</source>
        <translation>entries[%1]：必须是对象。</translation>
    </message>
    <message>
        <source>entries[%1].at: must be an ISO 8601 time.</source>
        <translation>entries[%1].at：必须是 ISO 8601 时间。</translation>
    </message>
    <message>
        <source>entries[%1].key: 1 to 64 characters.</source>
        <translation>entries[%1].key：1 至 64 个字符。</translation>
    </message>
    <message>
        <source>entries[%1].seq: the entries of a push must be consecutive, from 1 up.</source>
        <translation>entries[%1].seq：一次推送的条目序号必须从 1 起连续。</translation>
    </message>
    <message>
        <source>The sync state could not be read; try again.</source>
        <translation>无法读取同步状态，请重试。</translation>
    </message>
    <message>
        <source>Device %1 belongs to another account; each device pushes only its own entries.</source>
        <translation>设备 %1 属于另一账号；每台设备只能推送自己的条目。</translation>
    </message>
    <message>
        <source>Epoch %1 of this device is over (the server is at %2): export unsent entries and reset.</source>
        <translation>本设备的第 %1 轮次已结束（服务器为第 %2 轮）：请导出未发送的条目并重置。</translation>
    </message>
    <message>
        <source>Entry %1 was expected next, not %2; nothing was applied.</source>
        <translation>下一条应为 %1，而不是 %2；未应用任何条目。</translation>
    </message>
    <message>
        <source>Entry %1 was already applied with another key; this entry was not applied.</source>
        <translation>条目 %1 已以另一幂等键应用；本条未应用。</translation>
    </message>
    <message>
        <source>This server does not know entries of kind "%1".</source>
        <translation>服务器不认识“%1”类型的条目。</translation>
    </message>
    <message>
        <source>data.source: evaluator or screen.</source>
        <translation>data.source：evaluator 或 screen。</translation>
    </message>
    <message>
        <source>There is no ticket %1 in this hall.</source>
        <translation>本大厅没有票号 %1。</translation>
    </message>
    <message>
        <source>Ticket %1 has not been served; only a served ticket is rated.</source>
        <translation>票号 %1 尚未办理；只有办理过的业务才能评价。</translation>
    </message>
    <message>
        <source>Ticket %1 has been rated already; a service is rated once.</source>
        <translation>票号 %1 已评价；每次服务只能评价一次。</translation>
    </message>
    <message>
        <source>epoch ≥ 1, since ≥ 0, outcomesAfter ≥ 0 and limit 1–1000 are whole numbers.</source>
        <translation>epoch ≥ 1、since ≥ 0、outcomesAfter ≥ 0、limit 为 1–1000 的整数。</translation>
    </message>
    <message numerus="yes">
        <source>Entry %1 references %n blob(s) not uploaded completely yet; upload them, then push again.</source>
        <translation>
            <numerusform>条目 %1 引用的 %n 个文件尚未完整上传；请先上传，再推送。</numerusform>
        </translation>
    </message>
    <message>
        <source>data.id: 1 to 32 letters, digits, - or _.</source>
        <translation>data.id：1 至 32 个字母、数字、- 或 _。</translation>
    </message>
    <message>
        <source>data.version: 0 for a new notice, else the version edited.</source>
        <translation>data.version：新公告为 0，否则为所编辑的版本。</translation>
    </message>
    <message>
        <source>data.text: 1 to %1 characters.</source>
        <translation>data.text：1 至 %1 个字符。</translation>
    </message>
    <message>
        <source>data.until: must be an ISO 8601 time.</source>
        <translation>data.until：须为 ISO 8601 时间。</translation>
    </message>
    <message>
        <source>Only a supervisor edits the hall's notices.</source>
        <translation>只有大厅主管可以编辑大厅公告。</translation>
    </message>
    <message>
        <source>Notice %1 was deleted by someone else after version %2 that this edit was made on.</source>
        <translation>公告 %1 已在本次编辑所依据的版本 %2 之后被他人删除。</translation>
    </message>
    <message>
        <source>Notice %1 was created by someone else meanwhile (now version %2).</source>
        <translation>公告 %1 已在此期间由他人创建（现为版本 %2）。</translation>
    </message>
    <message>
        <source>Notice %1 was changed by someone else (now version %2; this edit was made on version %3).</source>
        <translation>公告 %1 已被他人修改（现为版本 %2；本次编辑基于版本 %3）。</translation>
    </message>
    <message>
        <source>Both are kept: decide which one stays.</source>
        <translation>两个版本均已保留：请决定保留哪一个。</translation>
    </message>
    <message>
        <source>There is no notice %1 to delete.</source>
        <translation>没有可删除的公告 %1。</translation>
    </message>
    <message>
        <source>data.issuedAt: must be an ISO 8601 time.</source>
        <translation>data.issuedAt：必须是 ISO 8601 时间。</translation>
    </message>
    <message>
        <source>data.source: touch, idcard or phone.</source>
        <translation>data.source：touch、idcard 或 phone。</translation>
    </message>
    <message>
        <source>data.number: %1 is not the number of sequence %2 (%3).</source>
        <translation>data.number：%1 不是序号 %2 对应的号码（%3）。</translation>
    </message>
    <message>
        <source>data: material 1–64, ticket 1–16 and type 1–32 characters.</source>
        <translation>data：material 1–64 个字符，ticket 1–16 个字符，type 1–32 个字符。</translation>
    </message>
    <message>
        <source>data.blobs: 1 to 1000 blobs.</source>
        <translation>data.blobs：1 至 1000 个文件。</translation>
    </message>
    <message>
        <source>data.blobs[%1]: algorithm sha256 or sm3 and a hash of 64 lower-case hex digits.</source>
        <translation>data.blobs[%1]：algorithm 为 sha256 或 sm3，hash 为 64 位小写十六进制数字。</translation>
    </message>
    <message>
        <source>Material %1 was received already.</source>
        <translation>材料 %1 已经收到过。</translation>
    </message>
    <message>
        <source>scopes: "%1" is not yours to read.</source>
        <translation>scopes：“%1”不在您可读取的范围内。</translation>
    </message>
    <message>
        <source>scopes: there is no window "%1" in this hall.</source>
        <translation>scopes：本大厅没有“%1”号窗口。</translation>
    </message>
    <message>
        <source>scopes: "%1" needs an account id after officer:.</source>
        <translation>scopes：“%1”的 officer: 后面须为账号编号。</translation>
    </message>
    <message>
        <source>scopes: unknown scope "%1" (known: ref, hall, window:N, officer:ID).</source>
        <translation>scopes：未知的范围“%1”（可用：ref、hall、window:N、officer:ID）。</translation>
    </message>
    <message>
        <source>format ≥ 1 and rows ≥ 0 are whole numbers: the feed format this client reads and the one its cached rows were built from.</source>
        <translation>format ≥ 1、rows ≥ 0 须为整数：分别是本客户端可读的同步格式和其缓存数据所用的格式。</translation>
    </message>
    <message>
        <source>This client reads sync feed format %1 at most; this hall-server sends formats %2 to %3. Install the current HallSuite on this PC: its cache and unsent entries are kept and go out after the upgrade.</source>
        <translation>本客户端最高只能读取同步格式 %1；本 hall-server 发送格式 %2 至 %3。请在本机安装当前版本的 HallSuite：缓存和未发送的记录都会保留，升级后继续发送。</translation>
    </message>
    <message>
        <source>The rows in this cache were built from sync feed format %1; this hall-server answers this client in format %2, and they cannot be carried over: export unsent entries and reset (a fresh snapshot follows).</source>
        <translation>本缓存的数据按同步格式 %1 建立；本 hall-server 以格式 %2 答复本客户端，原有数据无法沿用：请导出未发送的记录并重置（随后重新获取完整快照）。</translation>
    </message>
    <message>
        <source>This cache is ahead of the server (checkpoint %1, the server's feed ends at %2; was its database restored?): export unsent entries and reset.</source>
        <translation>本缓存领先于服务器（检查点 %1，服务器的变更流止于 %2；服务器数据库是否被恢复过？）：请导出未发送的记录并重置。</translation>
    </message>
</context>
<context>
    <name>SystemController</name>
    <message>
        <source>The clock can only be set when hall-server runs with --fake-clock.</source>
        <translation>仅当 hall-server 以 --fake-clock 运行时才能设置时钟。</translation>
    </message>
    <message>
        <source>set: must be an ISO 8601 time.</source>
        <translation>set：必须是 ISO 8601 格式的时间。</translation>
    </message>
</context>
<context>
    <name>TicketTemplate</name>
    <message>
        <source>Please go to window {window}</source>
        <extracomment>Ticket line; keep {window} as it is.</extracomment>
        <translation>请到{window}号窗口办理</translation>
    </message>
    <message>
        <source>People ahead of you: {ahead}</source>
        <translation>您前面还有 {ahead} 人等候</translation>
    </message>
    <message>
        <source>Scan the code to follow the queue</source>
        <extracomment>Ticket line under the QR code.</extracomment>
        <translation>扫码查看排队进度</translation>
    </message>
    <message>
        <source>The ticket template prints nothing.</source>
        <translation>号票模板没有任何打印内容。</translation>
    </message>
    <message>
        <source>Ticket template line %1: "[" without "]".</source>
        <translation>号票模板第 %1 行：“[”缺少对应的“]”。</translation>
    </message>
    <message>
        <source>Ticket template line %1: unknown field "%2" in if= (known: %3).</source>
        <translation>号票模板第 %1 行：if= 中的字段“%2”未知（可用字段：%3）。</translation>
    </message>
    <message>
        <source>Ticket template line %1: text size x%2 is not possible (x1 to x8).</source>
        <translation>号票模板第 %1 行：不支持文字大小 x%2（可用 x1 至 x8）。</translation>
    </message>
    <message>
        <source>Ticket template line %1: QR size "%2" is not a number from 1 to 16.</source>
        <translation>号票模板第 %1 行：二维码大小“%2”不是 1 至 16 之间的数字。</translation>
    </message>
    <message>
        <source>Ticket template line %1: QR error level "%2" is not L, M, Q or H.</source>
        <translation>号票模板第 %1 行：二维码纠错等级“%2”不是 L、M、Q 或 H。</translation>
    </message>
    <message>
        <source>Ticket template line %1: feed "%2" is not a number of lines from 0 to 255.</source>
        <translation>号票模板第 %1 行：走纸行数“%2”不是 0 至 255 之间的数字。</translation>
    </message>
    <message>
        <source>Ticket template line %1: unknown directive "%2" (left, centre, right, bold, x1–x8, qr, size=, level=, lines, feed, cut, optional, if=).</source>
        <translation>号票模板第 %1 行：未知指令“%2”（可用：left、centre、right、bold、x1–x8、qr、size=、level=、lines、feed、cut、optional、if=）。</translation>
    </message>
    <message>
        <source>Ticket template line %1: qr, lines, feed and cut each need a line of their own.</source>
        <translation>号票模板第 %1 行：qr、lines、feed 和 cut 都必须单独占一行。</translation>
    </message>
    <message>
        <source>Ticket template line %1: [%2] takes no text after it.</source>
        <translation>号票模板第 %1 行：[%2] 后面不能有文字。</translation>
    </message>
    <message>
        <source>Ticket template line %1: [qr] needs the QR data after it, like {qr}.</source>
        <translation>号票模板第 %1 行：[qr] 后面需要二维码数据，如 {qr}。</translation>
    </message>
    <message>
        <source>Ticket template line %1: a QR code takes size=1–16, not a text size.</source>
        <translation>号票模板第 %1 行：二维码须用 size=1–16 指定大小，不能使用文字大小。</translation>
    </message>
    <message>
        <source>Ticket template line %1: size= and level= are for QR codes; text takes x1–x8.</source>
        <translation>号票模板第 %1 行：size= 和 level= 仅用于二维码，文字大小请使用 x1–x8。</translation>
    </message>
    <message>
        <source>Ticket template line %1: "}" without "{" (write }} for a brace).</source>
        <translation>号票模板第 %1 行：“}”缺少对应的“{”（如需输出花括号本身，请写 }}）。</translation>
    </message>
    <message>
        <source>Ticket template line %1: "{" without "}" (write {{ for a brace).</source>
        <translation>号票模板第 %1 行：“{”缺少对应的“}”（如需输出花括号本身，请写 {{）。</translation>
    </message>
    <message>
        <source>Ticket template line %1: unknown field {%2} (known: %3).</source>
        <translation>号票模板第 %1 行：未知字段 {%2}（可用字段：%3）。</translation>
    </message>
</context>
<context>
    <name>Tr</name>
    <message>
        <source>The data folder %1 is on a network share. The embedded SQLite database must be on a local disk of the server (its locks and write-ahead log do not work across machines); use PostgreSQL to serve a hall from more than one machine.</source>
        <translation>数据文件夹 %1 位于网络共享上。内嵌的 SQLite 数据库必须放在服务器的本地磁盘上（其锁和预写日志无法跨机器工作）；如需由多台机器服务一个大厅，请使用 PostgreSQL。</translation>
    </message>
    <message>
        <source>Cannot open the lock file %1: %2</source>
        <translation>无法打开锁文件 %1：%2</translation>
    </message>
    <message>
        <source>Cannot lock %1: %2</source>
        <translation>无法锁定 %1：%2</translation>
    </message>
    <message>
        <source>Cannot lock %1.</source>
        <translation>无法锁定 %1。</translation>
    </message>
    <message>
        <source>Cannot take the hall lock: %1</source>
        <translation>无法获取大厅锁：%1</translation>
    </message>
</context>
<context>
    <name>TtsEngine</name>
    <message numerus="yes">
        <source>%1 and %n more</source>
        <translation>
            <numerusform>%1 及另外 %n 项</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1: no voices (%2)</source>
        <translation>%1：没有任何发音人（%2）</translation>
    </message>
    <message numerus="yes">
        <source>%1: no Chinese voice among %n language(s): %2</source>
        <translation>
            <numerusform>%1：共 %n 种语言，其中没有中文发音人：%2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Wav</name>
    <message>
        <source>Not a WAV file.</source>
        <translation>不是 WAV 文件。</translation>
    </message>
    <message>
        <source>The WAV file is compressed; clips must be PCM.</source>
        <translation>该 WAV 文件是压缩格式；语音片段必须是 PCM。</translation>
    </message>
    <message>
        <source>The WAV file is %1 channel(s), %2-bit, %3 Hz; clips must be mono 16-bit.</source>
        <translation>该 WAV 文件为 %1 声道、%2 位、%3 Hz；语音片段必须是单声道 16 位。</translation>
    </message>
    <message>
        <source>The WAV file has no sound data.</source>
        <translation>该 WAV 文件没有声音数据。</translation>
    </message>
</context>
<context>
    <name>WeekSchedule</name>
    <message>
        <source>%1: must be an object {"days": [1, …, 7], "on": "08:00", "off": "18:00"}</source>
        <translation>%1：必须是对象 {"days": [1, …, 7], "on": "08:00", "off": "18:00"}</translation>
    </message>
    <message>
        <source>%1.days: whole numbers from 1 (Monday) to 7 (Sunday)</source>
        <translation>%1.days：1（星期一）到 7（星期日）的整数</translation>
    </message>
    <message>
        <source>%1.days: at least one day</source>
        <translation>%1.days：至少一天</translation>
    </message>
    <message>
        <source>%1: "off" (%2) must come after "on" (%3) on the same day</source>
        <translation>%1：同一天内 "off"（%2）必须晚于 "on"（%3）</translation>
    </message>
</context>
<context>
    <name>WindowController</name>
    <message>
        <source>There is no officer "%1" in this hall.</source>
        <translation>本大厅没有工作人员“%1”。</translation>
    </message>
    <message>
        <source>There is no window "%1" in this hall.</source>
        <translation>本大厅没有窗口“%1”。</translation>
    </message>
    <message>
        <source>A caller signs an officer in: give "officer" (their login).</source>
        <translation>呼叫器只能为工作人员登录：请提供“officer”（其登录名）。</translation>
    </message>
</context>
<context>
    <name>WindowScreen</name>
    <message>
        <source>Screen %1 cannot store a start-up text.</source>
        <translation>显示屏 %1 不支持保存开机文字。</translation>
    </message>
    <message>
        <source>请%number到%window号窗口</source>
        <translation>请%number到%window号窗口</translation>
    </message>
    <message>
        <source>暂停服务</source>
        <translation>暂停服务</translation>
    </message>
    <message>
        <source>为您服务</source>
        <translation>为您服务</translation>
    </message>
</context>
<context>
    <name>WltDecoder</name>
    <message>
        <source>Cannot load the photo decoder library %1: %2</source>
        <translation>无法加载照片解码库 %1：%2</translation>
    </message>
    <message>
        <source>The photo decoder library %1 has no function %2.</source>
        <translation>照片解码库 %1 中没有函数 %2。</translation>
    </message>
    <message>
        <source>No photo decoder library is configured.</source>
        <translation>未配置照片解码库。</translation>
    </message>
    <message>
        <source>The photo has %1 bytes instead of 1024.</source>
        <translation>照片数据有 %1 字节，应为 1024 字节。</translation>
    </message>
    <message>
        <source>The photo decoder library could not decode the photo (result %1).</source>
        <translation>照片解码库无法解码照片（返回值 %1）。</translation>
    </message>
</context>
<context>
    <name>hall::app::Automation</name>
    <message>
        <source>Automation: cannot listen on %1: %2</source>
        <translation>自动化接口：无法在 %1 监听：%2</translation>
    </message>
    <message>
        <source>an empty line</source>
        <translation>空行</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>%1 失败</translation>
    </message>
    <message>
        <source>command %1 is not available now</source>
        <translation>命令 %1 当前不可用</translation>
    </message>
    <message>
        <source>cannot write the screenshot %1</source>
        <translation>无法写入截图 %1</translation>
    </message>
    <message>
        <source>unknown command: %1</source>
        <translation>未知命令：%1</translation>
    </message>
    <message>
        <source>no visible button %1</source>
        <translation>没有可见的按钮 %1</translation>
    </message>
    <message>
        <source>the button %1 is disabled</source>
        <translation>按钮 %1 不可用</translation>
    </message>
    <message>
        <source>no visible field %1</source>
        <translation>没有可见的输入框 %1</translation>
    </message>
</context>
<context>
    <name>hall::app::BoolAspect</name>
    <message>
        <source>Must be on or off.</source>
        <translation>必须是开或关。</translation>
    </message>
</context>
<context>
    <name>hall::app::ChoiceAspect</name>
    <message>
        <source>Must be one of: %1.</source>
        <translation>必须是以下之一：%1。</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>hall::app::Commands</name>
    <message>
        <source>%1 has no signal %2 to trigger the command %3.</source>
        <translation>%1 没有可触发命令 %3 的信号 %2。</translation>
    </message>
</context>
<context>
    <name>hall::app::ConfigProblemWidget</name>
    <message>
        <source>%1 cannot start: this PC's configuration has a problem</source>
        <translation>%1 无法启动：本机配置有问题</translation>
    </message>
    <message>
        <source>File: %1</source>
        <translation>文件：%1</translation>
    </message>
    <message>
        <source>Correct the file and start the program again, or call the hall's IT support and tell them the text above.</source>
        <translation>请修改该文件后重新启动程序，或联系大厅的信息技术支持人员并告知上面的内容。</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>hall::app::HallApplication</name>
    <message>
        <source>This PC's configuration (JSON: server, hall, role, layout, keymap, log).</source>
        <translation>本机配置（JSON：server、hall、role、layout、keymap、log）。</translation>
    </message>
    <message>
        <source>This PC's device configuration (devices.json).</source>
        <translation>本机设备配置（devices.json）。</translation>
    </message>
    <message>
        <source>Start, show the main window once, check it and quit (0: passed).</source>
        <translation>启动，显示一次主窗口，检查后退出（0：通过）。</translation>
    </message>
    <message>
        <source>Save a picture of the main window to this PNG after its first frame and quit.</source>
        <translation>主窗口首次显示后将其截图保存为此 PNG 文件并退出。</translation>
    </message>
    <message>
        <source>The device configuration %1 is not right: %2</source>
        <translation>设备配置 %1 有误：%2</translation>
    </message>
    <message>
        <source>%1 self-test failed: %2</source>
        <translation>%1 自检失败：%2</translation>
    </message>
    <message numerus="yes">
        <source>%1 self-test passed (%n check(s)).</source>
        <translation>
            <numerusform>%1 自检通过（%n 项检查）。</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: cannot write the screenshot %2</source>
        <translation>%1：无法写入截图 %2</translation>
    </message>
    <message>
        <source>The hall server in %1 cannot be used: %2</source>
        <translation>%1 中的大厅服务器无法使用：%2</translation>
    </message>
    <message>
        <source>The password file of the account %1 cannot be read: %2 (%3)</source>
        <translation>无法读取账号 %1 的密码文件：%2（%3）</translation>
    </message>
    <message>
        <source>The password file of the account %1 is empty: %2</source>
        <translation>账号 %1 的密码文件是空的：%2</translation>
    </message>
    <message>
        <source>Let a script drive the app through this local socket (demos and tests).</source>
        <translation>允许脚本通过此本地套接字操作程序（演示和测试用）。</translation>
    </message>
    <message>
        <source>A normal window instead of full screen (for engineers).</source>
        <translation>以普通窗口代替全屏（供工程师使用）。</translation>
    </message>
</context>
<context>
    <name>hall::app::IntAspect</name>
    <message>
        <source>Must be a whole number.</source>
        <translation>必须是整数。</translation>
    </message>
    <message>
        <source>Must be between %1 and %2.</source>
        <translation>必须在 %1 到 %2 之间。</translation>
    </message>
</context>
<context>
    <name>hall::app::SettingsStore</name>
    <message>
        <source>Cannot write the settings file %1.</source>
        <translation>无法写入设置文件 %1。</translation>
    </message>
</context>
<context>
    <name>hall::app::SignInController</name>
    <message>
        <source>You may try again now.</source>
        <translation>现在可以再试。</translation>
    </message>
    <message numerus="yes">
        <source>Too many attempts. Try again in %n second(s).</source>
        <translation>
            <numerusform>尝试次数过多，请 %n 秒后再试。</numerusform>
        </translation>
    </message>
    <message>
        <source>Enter your user name.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <source>Enter your current password.</source>
        <translation>请输入当前密码。</translation>
    </message>
    <message>
        <source>The two new passwords differ; type the same one twice.</source>
        <translation>两次输入的新密码不一致，请输入相同的密码。</translation>
    </message>
    <message>
        <source>The new password must differ from the current one.</source>
        <translation>新密码不能与当前密码相同。</translation>
    </message>
    <message numerus="yes">
        <source>The new password needs at least %n character(s).</source>
        <translation>
            <numerusform>新密码至少需要 %n 个字符。</numerusform>
        </translation>
    </message>
    <message>
        <source>The new password must mix at least %1 of: lower-case letters, upper-case letters, digits, other characters.</source>
        <translation>新密码须至少包含以下 %1 类：小写字母、大写字母、数字、其他字符。</translation>
    </message>
    <message>
        <source>The new password must not contain your user name.</source>
        <translation>新密码不能包含用户名。</translation>
    </message>
    <message>
        <source>The hall server cannot be reached, so you cannot sign in now. %1</source>
        <translation>无法连接大厅服务器，暂时不能登录。%1</translation>
    </message>
    <message>
        <source>The current password is wrong.</source>
        <translation>当前密码错误。</translation>
    </message>
    <message>
        <source>The user name or password is wrong.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <source>Your password has expired. Choose a new one to sign in.</source>
        <translation>您的密码已过期，请设置新密码后登录。</translation>
    </message>
    <message>
        <source>Your password was set by an administrator. Choose your own to sign in.</source>
        <translation>您的密码由管理员设置，请设置您自己的密码后登录。</translation>
    </message>
    <message>
        <source>Sign-in was refused: %1</source>
        <translation>登录被拒绝：%1</translation>
    </message>
    <message numerus="yes">
        <source>At least %n character(s).</source>
        <translation>
            <numerusform>至少 %n 个字符。</numerusform>
        </translation>
    </message>
    <message>
        <source>At least %1 of: lower-case letters, upper-case letters, digits, other characters.</source>
        <translation>至少包含以下 %1 类：小写字母、大写字母、数字、其他字符。</translation>
    </message>
    <message>
        <source>Not containing your user name.</source>
        <translation>不包含用户名。</translation>
    </message>
    <message numerus="yes">
        <source>None of your last %n password(s).</source>
        <translation>
            <numerusform>不能与最近 %n 次使用的密码相同。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>It must be changed again after %n day(s).</source>
        <translation>
            <numerusform>%n 天后须再次更换。</numerusform>
        </translation>
    </message>
    <message>
        <source>Choose your certificate file (.p12 or .pfx).</source>
        <translation>请选择您的证书文件（.p12 或 .pfx）。</translation>
    </message>
    <message>
        <source>The USB keys cannot be read: %1</source>
        <translation>无法读取 USB Key：%1</translation>
    </message>
    <message>
        <source>No USB key is plugged in. Plug in your USB key and press Refresh.</source>
        <translation>没有插入 USB Key。请插入您的 USB Key，然后点击“刷新”。</translation>
    </message>
    <message>
        <source>This USB key is locked after too many wrong PINs; its issuer must unlock it.</source>
        <translation>PIN 码错误次数过多，此 USB Key 已锁定，请联系发放单位解锁。</translation>
    </message>
    <message>
        <source>Last try: one more wrong PIN locks this USB key.</source>
        <translation>最后一次机会：再输错一次 PIN 码，此 USB Key 将被锁定。</translation>
    </message>
    <message>
        <source>A wrong PIN was entered before; few tries are left.</source>
        <translation>之前输错过 PIN 码，剩余尝试次数不多。</translation>
    </message>
    <message>
        <source>Choose the certificate on your USB key.</source>
        <translation>请选择 USB Key 中的证书。</translation>
    </message>
    <message>
        <source>Enter the PIN of your USB key.</source>
        <translation>请输入 USB Key 的 PIN 码。</translation>
    </message>
    <message>
        <source>Certificates sign in only over a secure (https) connection; ask the administrator to set this PC up for it.</source>
        <translation>证书只能通过安全（https）连接登录，请联系管理员为本机配置。</translation>
    </message>
    <message>
        <source>The certificate file cannot be opened: the password is wrong, or it is not a certificate file (.p12/.pfx).</source>
        <translation>无法打开证书文件：密码错误，或该文件不是证书文件（.p12/.pfx）。</translation>
    </message>
    <message>
        <source>The PIN is wrong.</source>
        <translation>PIN 码错误。</translation>
    </message>
    <message>
        <source>The USB key is not plugged in (or not the one chosen). Plug it in and press Refresh.</source>
        <translation>USB Key 未插入（或不是所选的那个）。请插入后点击“刷新”。</translation>
    </message>
    <message>
        <source>USB keys cannot be used on this PC: the PKCS#11 module in the settings cannot be loaded (%1).</source>
        <translation>本机无法使用 USB Key：设置中的 PKCS#11 模块无法加载（%1）。</translation>
    </message>
    <message>
        <source>The USB key holds no usable certificate and key: %1</source>
        <translation>USB Key 中没有可用的证书和密钥：%1</translation>
    </message>
    <message>
        <source>Your certificate has expired. Ask the hall's certificate administrator for a new one.</source>
        <translation>您的证书已过期，请向大厅证书管理员申请新证书。</translation>
    </message>
    <message>
        <source>Your certificate is not valid yet. Check the date and time of this PC.</source>
        <translation>您的证书尚未生效，请检查本机的日期和时间。</translation>
    </message>
    <message>
        <source>Your certificate has been revoked and no longer signs in. Ask the hall's certificate administrator.</source>
        <translation>您的证书已被吊销，不能再用于登录，请联系大厅证书管理员。</translation>
    </message>
    <message>
        <source>This certificate was not issued by this hall's certificate authority, so it cannot sign in here.</source>
        <translation>此证书不是本大厅的证书机构签发的，不能在这里登录。</translation>
    </message>
    <message>
        <source>This certificate is not meant for signing in. Ask for a sign-in certificate.</source>
        <translation>此证书不能用于登录，请申请登录用的证书。</translation>
    </message>
    <message>
        <source>This certificate is not assigned to any account here. Ask the security administrator to assign it to yours.</source>
        <translation>此证书未绑定到本系统的任何账户，请联系安全管理员将其绑定到您的账户。</translation>
    </message>
    <message>
        <source>No certificate reached the server. Choose your certificate and try again.</source>
        <translation>服务器没有收到证书，请选择您的证书后重试。</translation>
    </message>
    <message>
        <source>This server does not take certificates. Sign in with your password.</source>
        <translation>此服务器不支持证书登录，请用密码登录。</translation>
    </message>
    <message>
        <source>Certificates cannot be checked now (the revocation list is out of date). Tell the administrator.</source>
        <translation>目前无法校验证书（证书吊销列表已过期），请告知管理员。</translation>
    </message>
    <message>
        <source>The account of this certificate is disabled.</source>
        <translation>该证书对应的账号已停用。</translation>
    </message>
    <message>
        <source>This hall signs people in by certificate only. Use your certificate file or USB key.</source>
        <translation>本大厅只允许证书登录，请使用您的证书文件或 USB Key。</translation>
    </message>
    <message>
        <source>This PC has no certificate store for you (%1). Install your certificate from the hall's enrolment page, or use your USB key.</source>
        <translation>本机没有您的证书库（%1）。请从大厅的证书申领页面安装您的证书，或使用 USB Key。</translation>
    </message>
    <message>
        <source>This PC's certificate store cannot be read: %1</source>
        <translation>无法读取本机证书库：%1</translation>
    </message>
    <message>
        <source>This PC's certificate store holds no certificate for signing in.</source>
        <translation>本机证书库中没有可用于登录的证书。</translation>
    </message>
    <message>
        <source>This PC's certificate store holds no certificate with its key for signing in.</source>
        <translation>本机证书库中没有带私钥、可用于登录的证书。</translation>
    </message>
    <message>
        <source>Choose your certificate in this PC's certificate store.</source>
        <translation>请选择本机证书库中您的证书。</translation>
    </message>
    <message>
        <source>Enter the password of this PC's certificate store.</source>
        <translation>请输入本机证书库的密码。</translation>
    </message>
    <message>
        <source>The password of this PC's certificate store is wrong.</source>
        <translation>本机证书库的密码错误。</translation>
    </message>
    <message>
        <source>This PC's certificate store cannot be opened (%1). Is NSS (libnss3) installed?</source>
        <translation>无法打开本机证书库（%1）。是否已安装 NSS（libnss3）？</translation>
    </message>
    <message>
        <source>The certificate is no longer in this PC's certificate store with its key. Press Refresh and choose again.</source>
        <translation>本机证书库中已没有该证书及其私钥。请点“刷新”后重新选择。</translation>
    </message>
</context>
<context>
    <name>hall::app::SignInDialog</name>
    <message>
        <source>Sign in — %1</source>
        <translation>登录 — %1</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Current password:</source>
        <translation>当前密码(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;New password:</source>
        <translation>新密码(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Repeat it:</source>
        <translation>再次输入(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>返回(&amp;B)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>The new password must have:</source>
        <translation>新密码要求：</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <source>&amp;Change and sign in</source>
        <translation>修改并登录(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Sign in</source>
        <translation>登录(&amp;S)</translation>
    </message>
    <message>
        <source>Sign in with your own account; never with a colleague's.</source>
        <translation>请用您本人的账户登录，不要使用同事的账户。</translation>
    </message>
    <message>
        <source>Pass&amp;word</source>
        <translation>密码登录(&amp;W)</translation>
    </message>
    <message>
        <source>Cer&amp;tificate or USB key</source>
        <translation>证书 / USB Key 登录(&amp;T)</translation>
    </message>
    <message>
        <source>Certificate &amp;file (.p12 / .pfx)</source>
        <translation>证书文件 (.p12 / .pfx)(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;USB key</source>
        <translation>USB Key(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <source>Its password:</source>
        <translation>文件密码：</translation>
    </message>
    <message>
        <source>Your certificate file</source>
        <translation>您的证书文件</translation>
    </message>
    <message>
        <source>Certificate files (*.p12 *.pfx);;All files (*)</source>
        <translation>证书文件 (*.p12 *.pfx);;所有文件 (*)</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Certificate:</source>
        <translation>证书：</translation>
    </message>
    <message>
        <source>P&amp;IN:</source>
        <translation>PIN 码(&amp;I)：</translation>
    </message>
    <message>
        <source>%1 (until %2)</source>
        <translation>%1（有效期至 %2）</translation>
    </message>
    <message>
        <source>On the USB key "%1"</source>
        <translation>在 USB Key“%1”中</translation>
    </message>
    <message>
        <source>Sign in with the certificate the hall issued to you; never with a colleague's.</source>
        <translation>请用大厅发给您本人的证书登录，切勿使用同事的证书。</translation>
    </message>
    <message>
        <source>This hall signs in by certificate only: use the certificate the hall issued to you, never a colleague's.</source>
        <translation>本大厅只允许证书登录：请使用大厅发给您本人的证书，切勿使用同事的证书。</translation>
    </message>
    <message>
        <source>Certificate store of this &amp;PC</source>
        <translation>本机证书库(&amp;P)</translation>
    </message>
    <message>
        <source>Refres&amp;h</source>
        <translation>刷新(&amp;H)</translation>
    </message>
    <message>
        <source>Store passwor&amp;d:</source>
        <translation>库密码(&amp;D)：</translation>
    </message>
    <message>
        <source>Issued by %1</source>
        <translation>颁发者：%1</translation>
    </message>
    <message>
        <source>none set</source>
        <translation>未设置密码</translation>
    </message>
</context>
<context>
    <name>hall::app::SignInSettings</name>
    <message>
        <source>Sign-in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>PKCS#11 module of the USB keys</source>
        <translation>USB Key 的 PKCS#11 模块</translation>
    </message>
    <message>
        <source>Certificate store of this PC (NSS database folder; empty: the user's own)</source>
        <translation>本机证书库（NSS 数据库目录；留空：当前用户自己的）</translation>
    </message>
</context>
<context>
    <name>hall::app::StringAspect</name>
    <message>
        <source>Must be text.</source>
        <translation>必须是文字。</translation>
    </message>
</context>
<context>
    <name>hall::bridge::BridgeController</name>
    <message>
        <source>There is no window screen "%1" in the device configuration.</source>
        <translation>设备配置中没有窗口屏“%1”。</translation>
    </message>
    <message>
        <source>Window %1 has no evaluator.</source>
        <translation>%1 号窗口没有评价器。</translation>
    </message>
    <message>
        <source>No hall server is configured.</source>
        <translation>未配置大厅服务器。</translation>
    </message>
    <message>
        <source>The caller's %1 is not a queue command.</source>
        <translation>呼叫器的 %1 不是排队指令。</translation>
    </message>
    <message>
        <source>No waiting ticket has the number %1.</source>
        <translation>没有号码为 %1 的等候票。</translation>
    </message>
    <message>
        <source>Several waiting tickets have the number %1.</source>
        <translation>有多张号码为 %1 的等候票。</translation>
    </message>
    <message>
        <source>This bridge keeps no ratings (no outbox in its file).</source>
        <translation>本联动服务不保存评价（配置中没有待发文件）。</translation>
    </message>
    <message>
        <source>Window %1 has served nobody to rate yet.</source>
        <translation>%1 号窗口尚未服务任何人，无从评价。</translation>
    </message>
    <message>
        <source>Ticket %1 has been rated already.</source>
        <translation>票 %1 已评价过。</translation>
    </message>
</context>
<context>
    <name>hall::devices::Device</name>
    <message>
        <source>not open</source>
        <translation>未打开</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>忙碌</translation>
    </message>
    <message>
        <source>disconnected, reconnecting</source>
        <translation>已断开，正在重连</translation>
    </message>
    <message>
        <source>out of order</source>
        <translation>故障</translation>
    </message>
    <message>
        <source>no error</source>
        <translation>无错误</translation>
    </message>
    <message>
        <source>device not found</source>
        <translation>未找到设备</translation>
    </message>
    <message>
        <source>no permission to use the device</source>
        <translation>无权使用该设备</translation>
    </message>
    <message>
        <source>the device did not answer</source>
        <translation>设备无应答</translation>
    </message>
    <message>
        <source>garbled answer from the device</source>
        <translation>设备应答无法识别</translation>
    </message>
    <message>
        <source>damaged answer from the device</source>
        <translation>设备应答已损坏</translation>
    </message>
    <message>
        <source>the device reported a fault</source>
        <translation>设备报告故障</translation>
    </message>
    <message>
        <source>connection lost</source>
        <translation>连接中断</translation>
    </message>
    <message>
        <source>not supported by the device</source>
        <translation>设备不支持</translation>
    </message>
    <message>
        <source>wrong device configuration</source>
        <translation>设备配置有误</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>hall::devices::DeviceClass</name>
    <message>
        <source>ID card reader</source>
        <translation>身份证阅读器</translation>
    </message>
    <message>
        <source>ticket printer</source>
        <translation>号票打印机</translation>
    </message>
    <message>
        <source>caller and evaluator bus</source>
        <translation>呼叫器与评价器总线</translation>
    </message>
    <message>
        <source>window screen (LED bar)</source>
        <translation>窗口显示屏（LED 条屏）</translation>
    </message>
    <message>
        <source>barcode/QR scanner</source>
        <translation>条码/二维码扫描枪</translation>
    </message>
    <message>
        <source>document scanner</source>
        <translation>文档扫描仪</translation>
    </message>
    <message>
        <source>document camera</source>
        <translation>高拍仪</translation>
    </message>
    <message>
        <source>A device class needs a name and a create function.</source>
        <translation>设备类别需要名称和创建函数。</translation>
    </message>
    <message>
        <source>Device class %1 is registered already.</source>
        <translation>设备类别 %1 已注册。</translation>
    </message>
    <message>
        <source>Role prefix "%1" already selects %2.</source>
        <translation>角色前缀“%1”已对应 %2。</translation>
    </message>
</context>
<context>
    <name>hall::devices::Transport</name>
    <message>
        <source>the device hung up</source>
        <translation>设备已断开连接</translation>
    </message>
    <message>
        <source>%1: give host and port, like tcp://192.168.1.50:9100</source>
        <translation>%1：请指定主机和端口，如 tcp://192.168.1.50:9100</translation>
    </message>
    <message>
        <source>%1: give the device node, like file:/dev/usb/lp0</source>
        <translation>%1：请指定设备节点，如 file:/dev/usb/lp0</translation>
    </message>
    <message>
        <source>%1: device nodes are only supported on Linux and other Unix systems</source>
        <translation>%1：设备节点仅在 Linux 及其他 Unix 系统上受支持</translation>
    </message>
    <message>
        <source>No port is configured.</source>
        <translation>未配置端口。</translation>
    </message>
    <message>
        <source>baud: %1 is not a baud rate</source>
        <translation>baud：%1 不是有效的波特率</translation>
    </message>
    <message>
        <source>%1 is gone (unplugged?)</source>
        <translation>%1 已断开（设备已拔出？）</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>Cannot configure %1: %2</source>
        <translation>无法配置 %1：%2</translation>
    </message>
    <message>
        <source>%1 closed the connection</source>
        <translation>%1 已关闭连接</translation>
    </message>
    <message>
        <source>Cannot connect to %1: %2</source>
        <translation>无法连接 %1：%2</translation>
    </message>
    <message>
        <source>Cannot reach %1: %2</source>
        <translation>无法连通 %1：%2</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 出错：%2</translation>
    </message>
</context>
<context>
    <name>hall::display::CallOverlay</name>
    <message>
        <source>Calling again</source>
        <translation>重复呼叫</translation>
    </message>
    <message>
        <source>Now calling</source>
        <translation>正在呼叫</translation>
    </message>
    <message>
        <source>Please go to window %1</source>
        <translation>请到 %1 号窗口办理</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
</context>
<context>
    <name>hall::display::DisplayController</name>
    <message>
        <source>Show a test call</source>
        <translation>显示测试叫号</translation>
    </message>
    <message>
        <source>TEST</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Test of the wall</source>
        <translation>综合屏测试</translation>
    </message>
    <message>
        <source>No hall server is configured for this display</source>
        <translation>本屏未配置大厅服务器</translation>
    </message>
    <message>
        <source>Connecting to the hall server…</source>
        <translation>正在连接大厅服务器…</translation>
    </message>
    <message>
        <source>Network down: showing %1 state, reconnecting</source>
        <translation>网络中断，显示 %1 的信息，正在自动重连</translation>
    </message>
    <message>
        <source>off by the schedule</source>
        <translation>按计划关屏</translation>
    </message>
</context>
<context>
    <name>hall::display::DisplaySettings</name>
    <message>
        <source>Hall display</source>
        <translation>大厅综合屏</translation>
    </message>
    <message>
        <source>Show a new call enlarged for</source>
        <translation>新叫号放大显示时长</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Show the next call only after the voice has said this one</source>
        <translation>语音播报完当前叫号后再显示下一个</translation>
    </message>
    <message>
        <source>Wait for the voice at most</source>
        <translation>等待语音最长</translation>
    </message>
    <message>
        <source>Scrolling notice</source>
        <translation>滚动通知</translation>
    </message>
    <message>
        <source>At most 500 characters (this has %1).</source>
        <translation>最多 500 个字（现在有 %1 个）。</translation>
    </message>
    <message>
        <source>When several calls come together, each is shown in turn, shorter while others wait.</source>
        <translation>多个叫号同时到达时逐个显示，后面还有等待的叫号时每个显示时间缩短。</translation>
    </message>
    <message>
        <source>Empty: the text of the wall layout. ID numbers and mobile numbers are masked on the wall.</source>
        <translation>留空：使用屏幕布局中的文字。身份证号和手机号在大屏上会被遮盖。</translation>
    </message>
</context>
<context>
    <name>hall::display::WaitingModel</name>
    <message numerus="yes">
        <source>%n waiting</source>
        <translation>
            <numerusform>%n 人</numerusform>
        </translation>
    </message>
    <message>
        <source>Business</source>
        <translation>业务</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等候</translation>
    </message>
</context>
<context>
    <name>hall::display::WallScreen</name>
    <message>
        <source>en_US</source>
        <comment>the locale of this translation (e.g. zh_CN)</comment>
        <translation>zh_CN</translation>
    </message>
    <message>
        <source>Hall display</source>
        <translation>大厅综合屏</translation>
    </message>
    <message>
        <source>Window %1</source>
        <translation>%1号窗口</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等候人数</translation>
    </message>
    <message>
        <source>Welcome</source>
        <translation>欢迎光临</translation>
    </message>
</context>
<context>
    <name>hall::display::WindowsModel</name>
    <message>
        <source>Serving</source>
        <translation>办理中</translation>
    </message>
    <message>
        <source>Free</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>暂停服务</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>未开放</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>当前</translation>
    </message>
</context>
<context>
    <name>hall::drivers::callerbus::CallerBusSerial</name>
    <message>
        <source>options.addresses: list the bus addresses of the callers and evaluators, like [1, 2, 3].</source>
        <translation>options.addresses：请列出呼叫器和评价器的总线地址，如 [1, 2, 3]。</translation>
    </message>
    <message>
        <source>options.addresses: "%1" is not a bus address (%2 to %3).</source>
        <translation>options.addresses：“%1”不是有效的总线地址（%2 至 %3）。</translation>
    </message>
    <message>
        <source>options.addresses: address %1 is listed twice.</source>
        <translation>options.addresses：地址 %1 重复列出。</translation>
    </message>
    <message>
        <source>Address %1 is not on this caller bus.</source>
        <translation>总线地址 %1 不在本呼叫器总线上。</translation>
    </message>
    <message>
        <source>Device %1 refused the command (reason %2); is it a caller with a display?</source>
        <translation>设备 %1 拒绝了该命令（原因 %2）；它是否为带显示屏的呼叫器？</translation>
    </message>
    <message>
        <source>Caller %1 did not confirm what it should show (%2 attempts); check its cable and address.</source>
        <translation>呼叫器 %1 未确认显示内容（已尝试 %2 次），请检查其连接线和地址。</translation>
    </message>
    <message>
        <source>Evaluator %1 did not confirm the rating prompt (%2 attempts); check its cable and address.</source>
        <translation>评价器 %1 未确认评价提示（已尝试 %2 次），请检查其连接线和地址。</translation>
    </message>
    <message>
        <source>Cannot write to the caller bus.</source>
        <translation>无法向呼叫器总线写入数据。</translation>
    </message>
    <message>
        <source>Caller or evaluator %1 does not answer; check its cable, power and address switch.</source>
        <translation>呼叫器或评价器 %1 无应答，请检查其连接线、电源和地址拨码开关。</translation>
    </message>
</context>
<context>
    <name>hall::drivers::camerauvc::FileFrameSource</name>
    <message>
        <source>%1 is gone (the image folder was removed or unmounted).</source>
        <translation>%1 已不存在（图片文件夹已被删除或卸载）。</translation>
    </message>
    <message>
        <source>No images at %1: the folder or file does not exist.</source>
        <translation>%1 处没有图片：该文件夹或文件不存在。</translation>
    </message>
    <message>
        <source>No readable images (JPEG, PNG, BMP, TIFF) at %1.</source>
        <translation>%1 处没有可读取的图片（JPEG、PNG、BMP、TIFF）。</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 is closed.</source>
        <translation>%1 已关闭。</translation>
    </message>
</context>
<context>
    <name>hall::drivers::camerauvc::QtCameraSource</name>
    <message>
        <source>No camera is connected: Qt Multimedia lists none. Check the camera's USB cable; on Linux the GStreamer video4linux plugin (package gstreamer1.0-plugins-good) must be installed.</source>
        <translation>未连接摄像头：Qt Multimedia 未列出任何摄像头。请检查高拍仪的 USB 线；在 Linux 上还须安装 GStreamer video4linux 插件（软件包 gstreamer1.0-plugins-good）。</translation>
    </message>
    <message>
        <source>No camera matches "%1". Cameras present: %2.</source>
        <translation>没有与“%1”匹配的摄像头。当前连接的摄像头：%2。</translation>
    </message>
    <message>
        <source>Camera %1 was unplugged.</source>
        <translation>高拍仪 %1 已被拔出。</translation>
    </message>
    <message>
        <source>The camera is closed.</source>
        <translation>高拍仪已关闭。</translation>
    </message>
</context>
<context>
    <name>hall::drivers::camerauvc::UvcCamera</name>
    <message>
        <source>Camera %1 did not deliver photo %2 within %3 s; take it again.</source>
        <translation>高拍仪 %1 未在 %3 秒内返回照片 %2，请重新拍摄。</translation>
    </message>
    <message>
        <source>options.resolution: camera %1 takes stills of %2, not %3.</source>
        <translation>options.resolution：高拍仪 %1 不支持 %3 的拍照分辨率（可用：%2）。</translation>
    </message>
    <message>
        <source>Camera %1 was closed or unplugged before photo %2 was taken; take it again.</source>
        <translation>照片 %2 拍摄前高拍仪 %1 已关闭或被拔出，请重新拍摄。</translation>
    </message>
    <message>
        <source>Camera %1 takes stills of %2, not %3.</source>
        <translation>高拍仪 %1 不支持 %3 的拍照分辨率（可用：%2）。</translation>
    </message>
    <message>
        <source>Camera %1 is not connected; photo %2 was not taken.</source>
        <translation>高拍仪 %1 未连接，照片 %2 未拍摄。</translation>
    </message>
    <message>
        <source>Camera %1 has %2 photos waiting already; photo %3 was not taken.</source>
        <translation>高拍仪 %1 已有 %2 张照片在等待处理，照片 %3 未拍摄。</translation>
    </message>
    <message>
        <source>Foot pedal %1: permission denied. Add the user to the "input" group or install a udev rule for the pedal.</source>
        <translation>脚踏开关 %1：权限不足。请将该用户加入 "input" 组，或为脚踏开关安装 udev 规则。</translation>
    </message>
    <message>
        <source>Foot pedal %1 is held exclusively by another program; close it.</source>
        <translation>脚踏开关 %1 已被其他程序独占，请关闭该程序。</translation>
    </message>
    <message>
        <source>Foot pedals are read through Linux evdev; on this system capture with the button.</source>
        <translation>脚踏开关须通过 Linux evdev 读取；在本系统上请使用按钮拍摄。</translation>
    </message>
    <message>
        <source>Foot pedal %1 is not connected (%2); capture with the button until it is plugged in.</source>
        <translation>脚踏开关 %1 未连接（%2）；接上之前请使用按钮拍摄。</translation>
    </message>
    <message>
        <source>Foot pedal %1 was unplugged; capture with the button until it is back.</source>
        <translation>脚踏开关 %1 已被拔出；重新接上之前请使用按钮拍摄。</translation>
    </message>
    <message>
        <source>Camera %1 stopped delivering photos; it is being reopened.</source>
        <translation>高拍仪 %1 不再送出照片，正在重新打开。</translation>
    </message>
</context>
<context>
    <name>hall::drivers::codescanner::ScannerDevice</name>
    <message>
        <source>%1 is gone (scanner unplugged?)</source>
        <translation>%1 已断开（扫码器已拔出？）</translation>
    </message>
    <message>
        <source>%1: permission denied. Add the kiosk user to the "input" group or install a udev rule for the scanner.</source>
        <translation>%1：权限不足。请将自助取号机的运行用户加入 "input" 组，或为扫码器安装 udev 规则。</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>%1 is held exclusively by another program; close it (another kiosk shell?).</source>
        <translation>%1 已被其他程序独占，请关闭该程序（是否另有一个自助取号机程序在运行？）。</translation>
    </message>
    <message>
        <source>Keyboard-wedge scanners are read through Linux evdev; on this system set the scanner to its serial (USB COM) mode and use mode "serial".</source>
        <translation>键盘仿真扫码器须通过 Linux evdev 读取；在本系统上请将扫码器设为串口（USB COM）模式，并使用 mode "serial"。</translation>
    </message>
    <message>
        <source>%1 was closed (scanner unplugged?)</source>
        <translation>%1 已被关闭（扫码器已拔出？）</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>The scanner sent %1 bytes but no terminator within %2 ms; they were dropped. Check the scanner's terminator (suffix) setting and options.terminator.</source>
        <translation>扫码器发送了 %1 字节，但 %2 毫秒内未收到结束符，这些数据已丢弃。请检查扫码器的结束符（后缀）设置和 options.terminator。</translation>
    </message>
</context>
<context>
    <name>hall::drivers::escpos::EscPosPlugin</name>
    <message>
        <source>USB printer</source>
        <translation>USB 打印机</translation>
    </message>
</context>
<context>
    <name>hall::drivers::escpos::EscPosPrinter</name>
    <message>
        <source>Unknown printer option "%1" (known: %2).</source>
        <translation>未知的打印机选项“%1”（可用选项：%2）。</translation>
    </message>
    <message>
        <source>Printer option %1: "%2" is not a number from %3 to %4.</source>
        <translation>打印机选项 %1：“%2”不是 %3 至 %4 之间的数字。</translation>
    </message>
    <message>
        <source>Printer option %1: "%2" is not true or false.</source>
        <translation>打印机选项 %1：“%2”不是 true 或 false。</translation>
    </message>
    <message>
        <source>The ticket printer is not connected.</source>
        <translation>取号票打印机未连接。</translation>
    </message>
    <message>
        <source>Cannot send a status query to the ticket printer.</source>
        <translation>无法向取号票打印机发送状态查询。</translation>
    </message>
    <message>
        <source>The ticket printer was disconnected.</source>
        <translation>取号票打印机已断开连接。</translation>
    </message>
    <message>
        <source>The ticket printer did not report its status within %1 ms (%2 of 3 status bytes arrived); check that it is switched on and connected.</source>
        <translation>取号票打印机在 %1 毫秒内未返回状态（3 个状态字节仅收到 %2 个），请检查打印机是否已开机并连接。</translation>
    </message>
    <message>
        <source>The ticket printer answered a status query with 0x%1, which is no status byte.</source>
        <translation>取号票打印机对状态查询的应答为 0x%1，不是状态字节。</translation>
    </message>
    <message>
        <source>The ticket printer is not connected: ticket %1 was not printed. Check its cable and power.</source>
        <translation>取号票打印机未连接：号票 %1 未打印。请检查打印机的连接线和电源。</translation>
    </message>
    <message>
        <source>Ticket %1 cannot be printed: %2</source>
        <translation>号票 %1 无法打印：%2</translation>
    </message>
    <message>
        <source>Ticket %1 was not printed: %2</source>
        <translation>号票 %1 未打印：%2</translation>
    </message>
    <message>
        <source>The ticket printer is out of paper: ticket %1 was not printed. Load a new paper roll.</source>
        <translation>取号票打印机缺纸：号票 %1 未打印。请装入新纸卷。</translation>
    </message>
    <message>
        <source>The ticket printer's cover is open: ticket %1 was not printed. Close the cover.</source>
        <translation>取号票打印机纸仓盖打开：号票 %1 未打印。请合上纸仓盖。</translation>
    </message>
    <message>
        <source>The ticket printer reports an error (%1): ticket %2 was not printed. Clear jammed paper or the cutter, then switch the printer off and on.</source>
        <translation>取号票打印机报告错误（%1）：号票 %2 未打印。请清除卡纸或排除切刀故障，然后将打印机关机后重新开机。</translation>
    </message>
    <message>
        <source>The ticket printer is offline: ticket %1 was not printed. Check the printer's panel.</source>
        <translation>取号票打印机处于离线状态：号票 %1 未打印。请检查打印机面板。</translation>
    </message>
    <message>
        <source>Ticket %1 could not be sent to the ticket printer (%2); it is not counted as printed.</source>
        <translation>号票 %1 未能发送到取号票打印机（%2），不计为已打印。</translation>
    </message>
    <message>
        <source>The ticket printer did not confirm ticket %1 (no status within %2 ms). Check whether the ticket came out; it is not counted as printed.</source>
        <translation>取号票打印机未确认号票 %1（%2 毫秒内未返回状态）。请查看号票是否已打出；该号票不计为已打印。</translation>
    </message>
    <message>
        <source>Ticket %1 is not confirmed: %2</source>
        <translation>号票 %1 未得到确认：%2</translation>
    </message>
    <message>
        <source>The ticket printer ran out of paper while printing ticket %1. Load a new paper roll and print the ticket again.</source>
        <translation>打印号票 %1 时取号票打印机缺纸。请装入新纸卷后重新打印该号票。</translation>
    </message>
    <message>
        <source>The ticket printer's cover was opened while printing ticket %1. Close the cover and print the ticket again.</source>
        <translation>打印号票 %1 时取号票打印机纸仓盖被打开。请合上纸仓盖后重新打印该号票。</translation>
    </message>
    <message>
        <source>The ticket printer reports an error (%1) after ticket %2; the ticket may be incomplete. Clear jammed paper or the cutter and print the ticket again.</source>
        <translation>取号票打印机在打印号票 %2 后报告错误（%1），该号票可能打印不完整。请清除卡纸或排除切刀故障后重新打印该号票。</translation>
    </message>
    <message>
        <source>The ticket printer went offline while printing ticket %1. Check the printer's panel and print the ticket again.</source>
        <translation>打印号票 %1 时取号票打印机离线。请检查打印机面板后重新打印该号票。</translation>
    </message>
</context>
<context>
    <name>hall::drivers::ledbar::LedBarScreen</name>
    <message>
        <source>encoding: "%1" is not supported (gb18030 or gb2312).</source>
        <translation>encoding：不支持“%1”（可用 gb18030 或 gb2312）。</translation>
    </message>
    <message>
        <source>colourMode: "%1" is not a colour mode (mono, dual or full).</source>
        <translation>colourMode：“%1”不是有效的颜色模式（mono、dual 或 full）。</translation>
    </message>
    <message>
        <source>%1: "%2" is not a colour (red, green, yellow, blue, magenta, cyan, white).</source>
        <translation>%1：“%2”不是有效的颜色（red、green、yellow、blue、magenta、cyan、white）。</translation>
    </message>
    <message>
        <source>%1: a %2 card cannot show %3.</source>
        <translation>%1：%2 模式的控制卡无法显示 %3。</translation>
    </message>
    <message>
        <source>map: "%1" is not a screen address (a positive number).</source>
        <translation>map：“%1”不是有效的显示屏地址（应为正整数）。</translation>
    </message>
    <message>
        <source>map: screen %1: %2</source>
        <translation>map：显示屏 %1：%2</translation>
    </message>
    <message>
        <source>No LED card answers at %1: %2</source>
        <translation>%1 上没有 LED 控制卡应答：%2</translation>
    </message>
    <message>
        <source>The LED screen is not connected.</source>
        <translation>窗口条屏未连接。</translation>
    </message>
    <message>
        <source>Cannot write to the LED screen at %1.</source>
        <translation>无法向 %1 上的窗口条屏写入数据。</translation>
    </message>
    <message>
        <source>The LED screen at %1 went away.</source>
        <translation>%1 上的窗口条屏已断开。</translation>
    </message>
    <message>
        <source>LED card %1 did not answer within %2 ms (%3 tries); check its power, address and wiring.</source>
        <translation>LED 控制卡 %1 在 %2 毫秒内未应答（已尝试 %3 次），请检查其电源、地址和接线。</translation>
    </message>
    <message>
        <source>LED card %1 answered with damaged frames (checksum), %2 times; check the wiring.</source>
        <translation>LED 控制卡 %1 应答的帧已损坏（校验和错误），共 %2 次，请检查接线。</translation>
    </message>
    <message>
        <source>LED card %1 answered with %2 bytes that are no reply (%3 tries); check the baud rate and the card's protocol.</source>
        <translation>LED 控制卡 %1 应答的 %2 字节不是有效应答（已尝试 %3 次），请检查波特率和控制卡的协议。</translation>
    </message>
    <message>
        <source>Screen address %1 is out of range (%2–%3); map it to a card with the map option.</source>
        <translation>显示屏地址 %1 超出范围（%2–%3），请用 map 选项将其映射到控制卡。</translation>
    </message>
    <message>
        <source>Screen %1: the text contains an ID number; public screens never show ID numbers.</source>
        <translation>显示屏 %1：文字中含有身份证号码；公共显示屏一律不显示身份证号码。</translation>
    </message>
    <message>
        <source>Screen %1: "%2" is not a colour (red, green, yellow, blue, magenta, cyan, white).</source>
        <translation>显示屏 %1：“%2”不是有效的颜色（red、green、yellow、blue、magenta、cyan、white）。</translation>
    </message>
    <message>
        <source>Screen %1 cannot show %2.</source>
        <translation>显示屏 %1 无法显示颜色 %2。</translation>
    </message>
    <message>
        <source>Screen %1: the text has %2 bytes; a screen area takes at most %3.</source>
        <translation>显示屏 %1：文字有 %2 字节，每个显示区域最多 %3 字节。</translation>
    </message>
    <message>
        <source>LED card %1 refused the text for screen %2: %3</source>
        <translation>LED 控制卡 %1 拒绝了显示屏 %2 的文字：%3</translation>
    </message>
    <message>
        <source>Screen %1 is not connected; it will show the text when it is back.</source>
        <translation>显示屏 %1 未连接，恢复连接后将显示该文字。</translation>
    </message>
    <message>
        <source>Screen %1 is not connected.</source>
        <translation>显示屏 %1 未连接。</translation>
    </message>
    <message>
        <source>Screen %1 cannot show %2 character(s) of the text (%3) in %4.</source>
        <translation>显示屏 %1 无法以 %4 显示文字中的 %2 个字符（%3）。</translation>
    </message>
</context>
<context>
    <name>hall::drivers::onbon::OnbonScreen</name>
    <message>
        <source>map: "%1" is not a screen address (a positive number).</source>
        <translation>map：“%1”不是有效的显示屏地址（应为正整数）。</translation>
    </message>
    <message>
        <source>map: screen %1: give an object like {"screen": 1, "area": 0}.</source>
        <translation>map：屏幕 %1：请写成对象，如 {"screen": 1, "area": 0}。</translation>
    </message>
    <message>
        <source>map: screen %1: %2</source>
        <translation>map：显示屏 %1：%2</translation>
    </message>
    <message>
        <source>model: name the controller (%1).</source>
        <translation>model：请指定控制卡型号（%1）。</translation>
    </message>
    <message>
        <source>model: "%1" is not a controller this driver knows (%2).</source>
        <translation>model：“%1”不是本驱动支持的控制卡（%2）。</translation>
    </message>
    <message>
        <source>width and height: give the size of the screen's area in pixels, as set up in the card.</source>
        <translation>width 和 height：请按控制卡中的设置填写屏幕区域的像素大小。</translation>
    </message>
    <message>
        <source>colourMode: "%1" is not a colour mode of these cards (mono or dual).</source>
        <translation>colourMode：“%1”不是这类控制卡的颜色模式（mono 或 dual）。</translation>
    </message>
    <message>
        <source>%1: a %2 card cannot show "%3" (%4).</source>
        <translation>%1：%2 控制卡不能显示“%3”（%4）。</translation>
    </message>
    <message>
        <source>font: no Chinese font found (%1); install fonts-noto-cjk or name a font file.</source>
        <translation>font：未找到中文字体（%1）；请安装 fonts-noto-cjk 或指定字体文件。</translation>
    </message>
    <message>
        <source>No Onbon controller answers at %1: %2</source>
        <translation>%1 没有仰邦控制卡应答：%2</translation>
    </message>
    <message>
        <source>The LED controller is not connected.</source>
        <translation>LED 控制卡未连接。</translation>
    </message>
    <message>
        <source>Cannot write to the LED controller at %1.</source>
        <translation>无法写入 %1 的 LED 控制卡。</translation>
    </message>
    <message>
        <source>The LED controller at %1 went away.</source>
        <translation>%1 的 LED 控制卡已断开。</translation>
    </message>
    <message>
        <source>LED controller %1 did not answer within %2 ms (%3 tries); check its power, screen number and link.</source>
        <translation>LED 控制卡 %1 在 %2 毫秒内无应答（共 %3 次）；请检查电源、屏号和连接。</translation>
    </message>
    <message>
        <source>LED controller %1 answered with damaged frames (CRC), %2 times; check the wiring.</source>
        <translation>LED 控制卡 %1 应答的帧已损坏（CRC），共 %2 次；请检查接线。</translation>
    </message>
    <message>
        <source>LED controller %1 answered with %2 bytes that are no response (%3 tries); check the baud rate and the model.</source>
        <translation>LED 控制卡 %1 应答了 %2 字节无效数据（共 %3 次）；请检查波特率和型号。</translation>
    </message>
    <message>
        <source>Screen address %1 is out of range (%2–%3); map it to a controller with the map option.</source>
        <translation>屏幕地址 %1 超出范围（%2–%3）；请用 map 选项将其映射到控制卡。</translation>
    </message>
    <message>
        <source>Screen %1: the text contains an ID number; public screens never show ID numbers.</source>
        <translation>显示屏 %1：文字中含有身份证号码；公共显示屏一律不显示身份证号码。</translation>
    </message>
    <message>
        <source>Screen %1: "%2" is not a colour (red, green, yellow).</source>
        <translation>屏幕 %1：“%2”不是颜色（red、green、yellow）。</translation>
    </message>
    <message>
        <source>Screen %1 cannot show %2.</source>
        <translation>显示屏 %1 无法显示颜色 %2。</translation>
    </message>
    <message>
        <source>Screen %1 cannot show %2 character(s) of the text (%3): the font %4 lacks them.</source>
        <translation>屏幕 %1 无法显示文字中的 %2 个字符（%3）：字体 %4 中没有这些字。</translation>
    </message>
    <message>
        <source>Screen %1: the text makes %2 bytes of pixels; one update takes at most %3.</source>
        <translation>屏幕 %1：文字生成 %2 字节点阵；一次更新最多 %3 字节。</translation>
    </message>
    <message>
        <source>LED controller %1 refused the content for screen %2: %3</source>
        <translation>LED 控制卡 %1 拒绝了屏幕 %2 的内容：%3</translation>
    </message>
    <message>
        <source>Screen %1 is not connected; it will show the text when it is back.</source>
        <translation>显示屏 %1 未连接，恢复连接后将显示该文字。</translation>
    </message>
</context>
<context>
    <name>hall::drivers::sam::SamReader</name>
    <message>
        <source>The ID card reader is not connected.</source>
        <translation>身份证阅读器未连接。</translation>
    </message>
    <message>
        <source>Cannot write to the ID card reader.</source>
        <translation>无法向身份证阅读器写入数据。</translation>
    </message>
    <message>
        <source>The ID card reader sent an answer too short to carry a status.</source>
        <translation>身份证阅读器返回的应答过短，不含状态信息。</translation>
    </message>
    <message>
        <source>The ID card reader's answer arrived damaged (checksum); check the cable.</source>
        <translation>身份证阅读器的应答数据已损坏（校验和错误），请检查连接线。</translation>
    </message>
    <message>
        <source>The ID card reader did not answer within %1 ms; check that it is switched on and connected.</source>
        <translation>身份证阅读器在 %1 毫秒内未应答，请检查阅读器是否已开机并连接。</translation>
    </message>
    <message>
        <source>The ID card reader sent %1 bytes that are not a complete answer.</source>
        <translation>身份证阅读器发送了 %1 字节，不是完整的应答。</translation>
    </message>
    <message>
        <source>The SAM number in the answer is too short.</source>
        <translation>应答中的安全模块（SAM）编号过短。</translation>
    </message>
    <message>
        <source>The reader cannot run at %1 baud (115200, 57600, 38400, 19200 or 9600).</source>
        <translation>阅读器不支持波特率 %1（可用 115200、57600、38400、19200 或 9600）。</translation>
    </message>
    <message>
        <source>The serial port cannot be set to %1 baud.</source>
        <translation>无法将串口波特率设为 %1。</translation>
    </message>
    <message>
        <source>The ID card reader was disconnected during the command.</source>
        <translation>身份证阅读器在执行命令时断开了连接。</translation>
    </message>
</context>
<context>
    <name>hall::drivers::sane::SaneScanner</name>
    <message>
        <source>Scanner %1 does not support this operation.</source>
        <translation>扫描仪 %1 不支持此操作。</translation>
    </message>
    <message>
        <source>The scan on %1 was cancelled.</source>
        <translation>%1 上的扫描已取消。</translation>
    </message>
    <message>
        <source>Scanner %1 is busy, perhaps used by another program: wait a moment and scan again.</source>
        <translation>扫描仪 %1 正忙，可能正被其他程序使用：请稍候再重新扫描。</translation>
    </message>
    <message>
        <source>Scanner %1 refused the scan settings.</source>
        <translation>扫描仪 %1 拒绝了扫描设置。</translation>
    </message>
    <message>
        <source>Paper jam in the document feeder of %1: clear the jammed page and scan again.</source>
        <translation>%1 的自动进纸器(ADF)卡纸：请取出卡住的纸页后重新扫描。</translation>
    </message>
    <message>
        <source>The document feeder of %1 is empty: put the pages in and scan again.</source>
        <translation>%1 的自动进纸器(ADF)中没有纸：请放入文件页后重新扫描。</translation>
    </message>
    <message>
        <source>The cover of scanner %1 is open: close it and scan again.</source>
        <translation>扫描仪 %1 的盖板打开：请合上盖板后重新扫描。</translation>
    </message>
    <message>
        <source>Lost contact with scanner %1 (input/output error): check its cable and power.</source>
        <translation>与扫描仪 %1 失去连接（输入/输出错误）：请检查数据线和电源。</translation>
    </message>
    <message>
        <source>Not enough memory to scan on %1: scan at a lower resolution.</source>
        <translation>内存不足，无法在 %1 上扫描：请降低分辨率扫描。</translation>
    </message>
    <message>
        <source>Access to scanner %1 was denied: this user may not use it (check the scanner group or udev rules).</source>
        <translation>访问扫描仪 %1 被拒绝：当前用户无权使用该设备（请检查 scanner 组或 udev 规则）。</translation>
    </message>
    <message>
        <source>Scanner %1 is warming up its lamp: scan again in a moment.</source>
        <translation>扫描仪 %1 正在预热灯管：请稍后重新扫描。</translation>
    </message>
    <message>
        <source>The mechanism of scanner %1 is locked for transport: unlock it (see its manual) and scan again.</source>
        <translation>扫描仪 %1 的机械部件处于运输锁定状态：请解锁（参见其说明书）后重新扫描。</translation>
    </message>
    <message>
        <source>Scanner %1 reported an unknown SANE status %2.</source>
        <translation>扫描仪 %1 报告了未知的 SANE 状态 %2。</translation>
    </message>
    <message>
        <source>Scan %1 was cancelled.</source>
        <translation>扫描 %1 已取消。</translation>
    </message>
    <message>
        <source>SANE could not be initialised: %1</source>
        <translation>SANE 初始化失败：%1</translation>
    </message>
    <message>
        <source>SANE could not list the scanners: %1</source>
        <translation>SANE 无法列出扫描仪：%1</translation>
    </message>
    <message>
        <source>options.%1: unknown option (saneOptions, reconnectMs).</source>
        <translation>options.%1：未知选项（可用 saneOptions、reconnectMs）。</translation>
    </message>
    <message>
        <source>No scanner found: SANE sees none. Is the scanner plugged in and switched on? (scanimage -L lists the scanners SANE sees.)</source>
        <translation>未找到扫描仪：SANE 未检测到任何扫描仪。扫描仪是否已连接并开机？（scanimage -L 可列出 SANE 检测到的扫描仪。）</translation>
    </message>
    <message>
        <source>No scanner "%1": SANE cannot open it (%2). Is it plugged in and switched on? (scanimage -L lists the scanners SANE sees.)</source>
        <translation>没有扫描仪“%1”：SANE 无法打开它（%2）。该扫描仪是否已连接并开机？（scanimage -L 可列出 SANE 检测到的扫描仪。）</translation>
    </message>
    <message>
        <source>saneOptions of %1: %2</source>
        <translation>%1 的 saneOptions：%2</translation>
    </message>
    <message>
        <source>scanner %1 has no option "%2".</source>
        <translation>扫描仪 %1 没有选项“%2”。</translation>
    </message>
    <message>
        <source>option "%1" of scanner %2 is inactive with the other settings.</source>
        <translation>在当前其他设置下，扫描仪 %2 的选项“%1”不可用。</translation>
    </message>
    <message>
        <source>option "%1" of scanner %2 cannot be set by software.</source>
        <translation>扫描仪 %2 的选项“%1”无法通过软件设置。</translation>
    </message>
    <message>
        <source>"%1" is not a valid value for option "%2" of scanner %3.</source>
        <translation>“%1”不是扫描仪 %3 的选项“%2”的有效值。</translation>
    </message>
    <message>
        <source>option "%1" of scanner %2 is a list, which the configuration cannot set.</source>
        <translation>扫描仪 %2 的选项“%1”是列表类型，无法通过配置设置。</translation>
    </message>
    <message>
        <source>Scanner %1 has no document feeder (it offers: %2).</source>
        <translation>扫描仪 %1 没有自动进纸器(ADF)（可用：%2）。</translation>
    </message>
    <message>
        <source>Scanner %1 has no flatbed (it offers: %2).</source>
        <translation>扫描仪 %1 没有平板（可用：%2）。</translation>
    </message>
    <message>
        <source>Scanner %1 has no document feeder.</source>
        <translation>扫描仪 %1 没有自动进纸器(ADF)。</translation>
    </message>
    <message>
        <source>Unknown colour mode %1 (colour, gray or line art).</source>
        <translation>未知的色彩模式 %1（应为彩色、灰度或黑白二值）。</translation>
    </message>
    <message>
        <source>colour</source>
        <translation>彩色</translation>
    </message>
    <message>
        <source>gray</source>
        <translation>灰度</translation>
    </message>
    <message>
        <source>line art</source>
        <translation>黑白二值</translation>
    </message>
    <message>
        <source>Scanner %1 cannot scan in %2 (it offers: %3).</source>
        <translation>扫描仪 %1 无法以%2模式扫描（可用：%3）。</translation>
    </message>
    <message>
        <source>%1–%2 dpi</source>
        <translation>%1–%2 dpi</translation>
    </message>
    <message>
        <source>%1 dpi</source>
        <translation>%1 dpi</translation>
    </message>
    <message>
        <source>Scanner %1 cannot scan at %2 dpi (it offers %3).</source>
        <translation>扫描仪 %1 无法以 %2 dpi 扫描（可用：%3）。</translation>
    </message>
    <message>
        <source>Scanner %1 sends frames of type %2 at %3 bits, which HallSuite cannot read.</source>
        <translation>扫描仪 %1 发送的是类型 %2、%3 位的图像帧，HallSuite 无法读取。</translation>
    </message>
    <message>
        <source>Scanner %1 sent an incomplete page (%2 bytes).</source>
        <translation>扫描仪 %1 发送的页不完整（%2 字节）。</translation>
    </message>
    <message>
        <source>Scanner %1 is already scanning.</source>
        <translation>扫描仪 %1 正在扫描中。</translation>
    </message>
    <message>
        <source>Scanner %1 is not ready: %2</source>
        <translation>扫描仪 %1 未就绪：%2</translation>
    </message>
    <message>
        <source>options.saneOptions: give the backend's options as an object, like {"mode": "Color"}, not "%1".</source>
        <translation>options.saneOptions：请以对象形式给出后端选项，如 {"mode": "Color"}，而不是“%1”。</translation>
    </message>
</context>
<context>
    <name>hall::drivers::virt::VirtualCallerBus</name>
    <message>
        <source>The simulated caller has no key "%1".</source>
        <translation>模拟呼叫器没有按键“%1”。</translation>
    </message>
</context>
<context>
    <name>hall::drivers::virt::VirtualDocumentCamera</name>
    <message>
        <source>The simulated camera draws its pages with fonts and needs a GUI application.</source>
        <translation>模拟高拍仪需要使用字体绘制页面，必须在图形界面（GUI）应用中运行。</translation>
    </message>
    <message>
        <source>options.previewFps: give 1 to 30 frames per second, not "%1".</source>
        <translation>options.previewFps：应为每秒 1 至 30 帧，而不是“%1”。</translation>
    </message>
    <message>
        <source>options.resolution: the simulated camera takes %1, not "%2".</source>
        <translation>options.resolution：模拟高拍仪不支持“%2”（可用：%1）。</translation>
    </message>
    <message>
        <source>The camera was closed during capture %1.</source>
        <translation>拍摄 %1 进行中高拍仪被关闭。</translation>
    </message>
    <message>
        <source>The simulated camera takes stills of %1, not %2.</source>
        <translation>模拟高拍仪不支持 %2 的拍照分辨率（可用：%1）。</translation>
    </message>
    <message>
        <source>The simulated camera is not open.</source>
        <translation>模拟高拍仪未打开。</translation>
    </message>
</context>
<context>
    <name>hall::drivers::virt::VirtualIdCardReader</name>
    <message>
        <source>No card on the reader; place the identity card on it.</source>
        <translation>阅读器上没有证件，请将身份证放到阅读器上。</translation>
    </message>
</context>
<context>
    <name>hall::drivers::virt::VirtualPlugin</name>
    <message>
        <source>Simulated %1</source>
        <translation>模拟%1</translation>
    </message>
</context>
<context>
    <name>hall::drivers::virt::VirtualScanner</name>
    <message>
        <source>The scanner was closed during scan %1.</source>
        <translation>扫描 %1 进行中扫描仪被关闭。</translation>
    </message>
    <message>
        <source>Simulated document scanner</source>
        <translation>模拟扫描仪</translation>
    </message>
    <message>
        <source>The simulated scanner is not open.</source>
        <translation>模拟扫描仪未打开。</translation>
    </message>
    <message>
        <source>The simulated scanner is already scanning.</source>
        <translation>模拟扫描仪正在扫描中。</translation>
    </message>
    <message>
        <source>The simulated scanner draws its pages with fonts and needs a GUI application.</source>
        <translation>模拟扫描仪需要使用字体绘制页面，必须在图形界面（GUI）应用中运行。</translation>
    </message>
    <message>
        <source>The simulated scanner cannot scan at %1 dpi (75, 100, 150, 200, 300 or 600).</source>
        <translation>模拟扫描仪无法以 %1 dpi 扫描（可用 75、100、150、200、300 或 600）。</translation>
    </message>
    <message>
        <source>Unknown colour mode %1 (colour, gray or line art).</source>
        <translation>未知的色彩模式 %1（应为彩色、灰度或黑白二值）。</translation>
    </message>
    <message>
        <source>The document feeder of the simulated scanner is empty: put the pages in and scan again.</source>
        <translation>模拟扫描仪的自动进纸器(ADF)中没有纸：请放入文件页后重新扫描。</translation>
    </message>
    <message>
        <source>Scan %1 was cancelled.</source>
        <translation>扫描 %1 已取消。</translation>
    </message>
</context>
<context>
    <name>hall::drivers::virt::VirtualTicketPrinter</name>
    <message>
        <source>paper: "%1" is not ok, near-end, out or cover-open.</source>
        <translation>paper：“%1”不是 ok、near-end、out 或 cover-open。</translation>
    </message>
    <message>
        <source>The printer is out of paper; ticket %1 was not printed.</source>
        <translation>打印机缺纸，号票 %1 未打印。</translation>
    </message>
    <message>
        <source>The printer cover is open; ticket %1 was not printed.</source>
        <translation>打印机纸仓盖打开，号票 %1 未打印。</translation>
    </message>
    <message>
        <source>The printer is not ready; ticket %1 was not printed.</source>
        <translation>打印机未就绪，号票 %1 未打印。</translation>
    </message>
</context>
<context>
    <name>hall::drivers::virt::VirtualWindowScreen</name>
    <message>
        <source>Screen address %1 is out of range (1–254).</source>
        <translation>显示屏地址 %1 超出范围（1–254）。</translation>
    </message>
</context>
<context>
    <name>hall::drivers::wia::WiaScanner</name>
    <message>
        <source>The scan on %1 was cancelled.</source>
        <translation>%1 上的扫描已取消。</translation>
    </message>
    <message>
        <source>No scanner "%1": WIA does not list it. Is it plugged in and switched on?</source>
        <translation>没有扫描仪“%1”：WIA 未列出该扫描仪。该扫描仪是否已连接并开机？</translation>
    </message>
    <message>
        <source>Windows Image Acquisition (WIA 2.0) is not available on this PC (%1): start the service "Windows Image Acquisition (WIA)" (stisvc) and set it to start automatically.</source>
        <translation>本机无法使用 Windows 图像采集（WIA 2.0）（%1）：请启动服务 "Windows Image Acquisition (WIA)"（stisvc），并将其设为自动启动。</translation>
    </message>
    <message>
        <source>Scanner %1 does not support this operation.</source>
        <translation>扫描仪 %1 不支持此操作。</translation>
    </message>
    <message>
        <source>Scanner %1 is busy, perhaps used by another program: wait a moment and scan again.</source>
        <translation>扫描仪 %1 正忙，可能正被其他程序使用：请稍候再重新扫描。</translation>
    </message>
    <message>
        <source>Scanner %1 refused the scan settings.</source>
        <translation>扫描仪 %1 拒绝了扫描设置。</translation>
    </message>
    <message>
        <source>Paper jam in the document feeder of %1: clear the jammed page and scan again.</source>
        <translation>%1 的自动进纸器(ADF)卡纸：请取出卡住的纸页后重新扫描。</translation>
    </message>
    <message>
        <source>The document feeder of %1 is empty: put the pages in and scan again.</source>
        <translation>%1 的自动进纸器(ADF)中没有纸：请放入文件页后重新扫描。</translation>
    </message>
    <message>
        <source>The document feeder of %1 could not feed the paper: check that the pages are straight and not too thin, thick or small, and scan again.</source>
        <translation>%1 的自动进纸器(ADF)无法进纸：请检查纸页是否放正，是否过薄、过厚或过小，然后重新扫描。</translation>
    </message>
    <message>
        <source>The document feeder of %1 took several pages at once: fan the pages, put them back and scan again.</source>
        <translation>%1 的自动进纸器(ADF)一次进了多页：请将纸页捻开后重新放入，再重新扫描。</translation>
    </message>
    <message>
        <source>The cover of scanner %1 is open: close it and scan again.</source>
        <translation>扫描仪 %1 的盖板打开：请合上盖板后重新扫描。</translation>
    </message>
    <message>
        <source>Lost contact with scanner %1 (it is offline): check its cable and power.</source>
        <translation>与扫描仪 %1 失去连接（扫描仪已离线）：请检查数据线和电源。</translation>
    </message>
    <message>
        <source>Not enough memory to scan on %1: scan at a lower resolution.</source>
        <translation>内存不足，无法在 %1 上扫描：请降低分辨率扫描。</translation>
    </message>
    <message>
        <source>Access to scanner %1 was denied: this Windows user may not use it.</source>
        <translation>访问扫描仪 %1 被拒绝：当前 Windows 用户无权使用该设备。</translation>
    </message>
    <message>
        <source>Scanner %1 is warming up its lamp: scan again in a moment.</source>
        <translation>扫描仪 %1 正在预热灯管：请稍后重新扫描。</translation>
    </message>
    <message>
        <source>The mechanism of scanner %1 is locked for transport: unlock it (see its manual) and scan again.</source>
        <translation>扫描仪 %1 的机械部件处于运输锁定状态：请解锁（参见其说明书）后重新扫描。</translation>
    </message>
    <message>
        <source>The lamp of scanner %1 is off: switch it on (see its manual) and scan again.</source>
        <translation>扫描仪 %1 的灯管已关闭：请打开灯管（参见其说明书）后重新扫描。</translation>
    </message>
    <message>
        <source>Scanner %1 needs attention: check its display or lights, then scan again.</source>
        <translation>扫描仪 %1 需要人工处理：请查看其显示屏或指示灯，然后重新扫描。</translation>
    </message>
    <message>
        <source>A switch or lever on scanner %1 is set wrong for this scan: check it (see its manual) and scan again.</source>
        <translation>扫描仪 %1 上的开关或拨杆位置不适合本次扫描：请检查（参见其说明书）后重新扫描。</translation>
    </message>
    <message>
        <source>The WIA driver of scanner %1 failed (%2): switch the scanner off and on; reinstall its driver if this happens again.</source>
        <translation>扫描仪 %1 的 WIA 驱动出错（%2）：请将扫描仪关机后重新开机；如再次出现，请重新安装其驱动。</translation>
    </message>
    <message>
        <source>Scanner %1 reported an unknown WIA error %2.</source>
        <translation>扫描仪 %1 报告了未知的 WIA 错误 %2。</translation>
    </message>
    <message>
        <source>Scan %1 was cancelled.</source>
        <translation>扫描 %1 已取消。</translation>
    </message>
    <message>
        <source>WIA could not list the scanners: %1</source>
        <translation>WIA 无法列出扫描仪：%1</translation>
    </message>
    <message>
        <source>Scanner %1 is still finishing a scan: try again in a moment.</source>
        <translation>扫描仪 %1 仍在完成上一次扫描：请稍后重试。</translation>
    </message>
    <message>
        <source>options.%1: unknown option (wiaProperties, reconnectMs).</source>
        <translation>options.%1：未知选项（可用 wiaProperties、reconnectMs）。</translation>
    </message>
    <message>
        <source>No scanner found: WIA sees none. Is the scanner plugged in and switched on? (Windows lists the scanners WIA sees under Settings, Printers &amp; scanners.)</source>
        <translation>未找到扫描仪：WIA 未检测到任何扫描仪。扫描仪是否已连接并开机？（Windows 在“设置”的“打印机和扫描仪”中列出 WIA 检测到的扫描仪。）</translation>
    </message>
    <message>
        <source>No scanner "%1": WIA cannot open it (%2). Is it plugged in and switched on? (Windows lists the scanners WIA sees under Settings, Printers &amp; scanners.)</source>
        <translation>没有扫描仪“%1”：WIA 无法打开它（%2）。该扫描仪是否已连接并开机？（Windows 在“设置”的“打印机和扫描仪”中列出 WIA 检测到的扫描仪。）</translation>
    </message>
    <message>
        <source>"%1" offers neither a flatbed nor a document feeder to scan from: is it a scanner?</source>
        <translation>“%1”既没有平板，也没有自动进纸器可供扫描：它是扫描仪吗？</translation>
    </message>
    <message>
        <source>wiaProperties of %1: %2</source>
        <translation>%1 的 wiaProperties：%2</translation>
    </message>
    <message>
        <source>expected an object of WIA property ids and values, such as {"6154": 100}.</source>
        <translation>应为由 WIA 属性 ID 及其值组成的对象，如 {"6154": 100}。</translation>
    </message>
    <message>
        <source>"%1" is not a WIA property id (a number, such as 6154 for brightness).</source>
        <translation>“%1”不是 WIA 属性 ID（应为数字，如亮度为 6154）。</translation>
    </message>
    <message>
        <source>"%1" is not a valid value for property %2 of scanner %3 (the properties set here take whole numbers).</source>
        <translation>“%1”不是扫描仪 %3 的属性 %2 的有效值（此处设置的属性只接受整数）。</translation>
    </message>
    <message>
        <source>scanner %1 has no property %2.</source>
        <translation>扫描仪 %1 没有属性 %2。</translation>
    </message>
    <message>
        <source>"%1" is not a valid value for property %2 of scanner %3.</source>
        <translation>“%1”不是扫描仪 %3 的属性 %2 的有效值。</translation>
    </message>
    <message>
        <source>flatbed</source>
        <translation>平板</translation>
    </message>
    <message>
        <source>document feeder</source>
        <translation>自动进纸器</translation>
    </message>
    <message>
        <source>colour</source>
        <translation>彩色</translation>
    </message>
    <message>
        <source>gray</source>
        <translation>灰度</translation>
    </message>
    <message>
        <source>line art</source>
        <translation>黑白二值</translation>
    </message>
    <message>
        <source>Scanner %1 has no document feeder (it offers: %2).</source>
        <translation>扫描仪 %1 没有自动进纸器(ADF)（可用：%2）。</translation>
    </message>
    <message>
        <source>Scanner %1 has no flatbed (it offers: %2).</source>
        <translation>扫描仪 %1 没有平板（可用：%2）。</translation>
    </message>
    <message>
        <source>Unknown colour mode %1 (colour, gray or line art).</source>
        <translation>未知的色彩模式 %1（应为彩色、灰度或黑白二值）。</translation>
    </message>
    <message>
        <source>Scanner %1 cannot scan in %2 (it offers: %3).</source>
        <translation>扫描仪 %1 无法以%2模式扫描（可用：%3）。</translation>
    </message>
    <message>
        <source>%1 dpi</source>
        <translation>%1 dpi</translation>
    </message>
    <message>
        <source>%1–%2 dpi</source>
        <translation>%1–%2 dpi</translation>
    </message>
    <message>
        <source>more than 0 dpi</source>
        <translation>大于 0 dpi</translation>
    </message>
    <message>
        <source>Scanner %1 cannot scan at %2 dpi (it offers %3).</source>
        <translation>扫描仪 %1 无法以 %2 dpi 扫描（可用：%3）。</translation>
    </message>
    <message>
        <source>Scanner %1 is already scanning.</source>
        <translation>扫描仪 %1 正在扫描中。</translation>
    </message>
    <message>
        <source>Scanner %1 is not ready: %2</source>
        <translation>扫描仪 %1 未就绪：%2</translation>
    </message>
    <message>
        <source>Scanner %1 sent a page HallSuite cannot read (%2 bytes).</source>
        <translation>扫描仪 %1 发送的页面 HallSuite 无法读取（%2 字节）。</translation>
    </message>
    <message>
        <source>The scan on %1 was stopped: the scanner was closed.</source>
        <translation>%1 上的扫描已中止：扫描仪已关闭。</translation>
    </message>
    <message>
        <source>Scanner %1 finished the scan without sending a page.</source>
        <translation>扫描仪 %1 已结束扫描，但未发送任何页面。</translation>
    </message>
</context>
<context>
    <name>hall::kiosk::BusinessModel</name>
    <message>
        <source>Not available now</source>
        <translation>暂不可办理</translation>
    </message>
    <message>
        <source>Nobody waiting</source>
        <translation>无人等候</translation>
    </message>
    <message numerus="yes">
        <source>%n waiting, about %1 min</source>
        <translation>
            <numerusform>%n 人等候，约 %1 分钟</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>hall::kiosk::KioskController</name>
    <message>
        <source>Elderly mode</source>
        <translation>长者模式</translation>
    </message>
    <message>
        <source>Maintenance…</source>
        <translation>维护…</translation>
    </message>
    <message>
        <source>Print a test ticket</source>
        <translation>打印测试票</translation>
    </message>
    <message>
        <source>No tickets are issued now.</source>
        <translation>现在暂停取号。</translation>
    </message>
    <message>
        <source>We open again today at %1.</source>
        <translation>今天 %1 开始取号。</translation>
    </message>
    <message>
        <source>We open again tomorrow at %1.</source>
        <translation>明天 %1 开始取号。</translation>
    </message>
    <message>
        <source>We open again on %1 at %2.</source>
        <translation>%1 %2 开始取号。</translation>
    </message>
    <message>
        <source>Welcome. Touch the screen to take a ticket, or place your ID card on the reader.</source>
        <translation>欢迎光临。请触摸屏幕取号，或将身份证放在读卡区。</translation>
    </message>
    <message>
        <source>Please touch the business you came for.</source>
        <translation>请点击您要办理的业务。</translation>
    </message>
    <message>
        <source>Please type your mobile number, then touch OK.</source>
        <translation>请输入手机号码，然后点击确定。</translation>
    </message>
    <message>
        <source>Please type your code, or hold the QR code under the scanner.</source>
        <translation>请输入号码，或将二维码对准扫描口。</translation>
    </message>
    <message>
        <source>Your ticket is being printed.</source>
        <translation>正在为您打印排队票。</translation>
    </message>
    <message>
        <source>Please take your ticket. Your number is %1.</source>
        <translation>请取走排队票，您的号码是 %1。</translation>
    </message>
    <message>
        <source>No hall server is configured for this kiosk</source>
        <translation>本取号机未配置大厅服务器</translation>
    </message>
    <message>
        <source>Network down: tickets are issued offline and join the queue when the network is back</source>
        <translation>网络中断：正在离线取号，网络恢复后自动进入排队</translation>
    </message>
    <message>
        <source>Network down: no tickets can be issued now</source>
        <translation>网络中断：暂时无法取号</translation>
    </message>
    <message>
        <source>Printer out of paper: please call the staff</source>
        <translation>打印机缺纸，请联系工作人员</translation>
    </message>
    <message>
        <source>Printer paper running low</source>
        <translation>打印纸即将用完</translation>
    </message>
    <message>
        <source>ID card %1</source>
        <translation>身份证 %1</translation>
    </message>
    <message>
        <source>Mobile %1</source>
        <translation>手机 %1</translation>
    </message>
    <message>
        <source>No ticket printer is configured</source>
        <translation>未配置排队票打印机</translation>
    </message>
    <message>
        <source>No tickets can be printed now</source>
        <translation>暂时无法打印排队票</translation>
    </message>
    <message>
        <source>%1. Please ask the staff.</source>
        <translation>%1。请联系工作人员。</translation>
    </message>
    <message>
        <source>You already hold a ticket for this business. Print it again?</source>
        <translation>您已持有该业务的排队号，是否补打？</translation>
    </message>
    <message>
        <source>No ticket</source>
        <translation>未能取号</translation>
    </message>
    <message>
        <source>The hall server cannot be reached. Please ask the staff.</source>
        <translation>无法连接大厅服务器，请联系工作人员。</translation>
    </message>
    <message>
        <source>The hall server cannot be reached and no offline numbers are left for this business (%1). Please ask the staff.</source>
        <translation>无法连接大厅服务器，且该业务已无离线号码（%1）。请联系工作人员。</translation>
    </message>
    <message>
        <source>Mobile number</source>
        <translation>手机号取号</translation>
    </message>
    <message>
        <source>That is not a mainland mobile number (11 digits starting with 1).</source>
        <translation>这不是有效的手机号码（以 1 开头的 11 位数字）。</translation>
    </message>
    <message>
        <source>Appointments and release passwords need the hall server, which cannot be reached now. Please take an ordinary ticket or ask the staff.</source>
        <translation>预约取号和放号密码需要连接大厅服务器，当前无法连接。请普通取号或联系工作人员。</translation>
    </message>
    <message>
        <source>Estimated wait: about %1 min</source>
        <translation>预计等候约 %1 分钟</translation>
    </message>
    <message>
        <source>Issued offline: joins the queue when the network is back</source>
        <translation>离线取号：网络恢复后自动进入排队</translation>
    </message>
    <message>
        <source>The ticket could not be printed</source>
        <translation>排队票打印失败</translation>
    </message>
    <message>
        <source>%1. Your ticket %2 is still valid; please ask the staff to print it.</source>
        <translation>%1。您的 %2 号仍然有效，请联系工作人员补打。</translation>
    </message>
    <message>
        <source>Not printed at the kiosk: %1</source>
        <translation>取号机未能打印：%1</translation>
    </message>
    <message>
        <source>TEST</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Test ticket</source>
        <translation>测试号票</translation>
    </message>
    <message>
        <source>This ticket is not valid.</source>
        <translation>此票无效。</translation>
    </message>
    <message>
        <source>Printing a test ticket…</source>
        <translation>正在打印测试票…</translation>
    </message>
    <message>
        <source>Test ticket printed.</source>
        <translation>测试票已打印。</translation>
    </message>
    <message>
        <source>Test ticket not printed: %1</source>
        <translation>测试票未能打印：%1</translation>
    </message>
    <message>
        <source>Paper counter reset: a new roll.</source>
        <translation>纸张计数已清零：已换新纸卷。</translation>
    </message>
    <message>
        <source>No devices are configured</source>
        <translation>未配置设备</translation>
    </message>
    <message>
        <source>%1 (%2): %3</source>
        <translation>%1（%2）：%3</translation>
    </message>
    <message>
        <source>Tickets on this paper roll: %1</source>
        <translation>本卷已打印：%1 张</translation>
    </message>
    <message>
        <source>No offline cache: tickets only while the server is reachable</source>
        <translation>无离线缓存：仅在连接服务器时可取号</translation>
    </message>
    <message>
        <source>%1 offline numbers ready; %2 entries waiting to be sent</source>
        <translation>离线号码余 %1 个；%2 条记录待上传</translation>
    </message>
    <message>
        <source>; %1 rejected, %2 conflicts</source>
        <translation>；%1 条被拒绝，%2 条冲突</translation>
    </message>
    <message>
        <source>; last error: %1</source>
        <translation>；最近错误：%1</translation>
    </message>
    <message>
        <source>To get a text message before you are called, type your mobile number and touch OK. If not, touch "No, just my ticket".</source>
        <translation>如需叫号前短信提醒，请输入手机号后按“确定”；不需要请按“不用了，直接取号”。</translation>
    </message>
    <message>
        <source>Please take your ticket. Your number is %1. We will send you a text message before you are called.</source>
        <translation>请取走您的号票，您的号码是%1。叫号前我们会短信提醒您。</translation>
    </message>
    <message>
        <source>Text reminder to %1 before you are called</source>
        <translation>叫号前将短信提醒 %1</translation>
    </message>
    <message>
        <source>That is not a mainland mobile number (11 digits starting with 1). Correct it, or print the ticket without it.</source>
        <translation>这不是有效的手机号（以1开头的11位数字）。请修改，或不留手机号直接取号。</translation>
    </message>
    <message>
        <source>The printer did not print the ticket</source>
        <translation>打印机未能打出号票</translation>
    </message>
    <message>
        <source>The printer works again: you can take a new ticket for %1 here.</source>
        <translation>打印机已恢复，您可以在此重新领取%1的号票。</translation>
    </message>
    <message>
        <source>Please ask the staff: they see the printer's state. Once it works again, a new ticket for %1 can be taken here.</source>
        <translation>请联系工作人员，打印机故障已提示给工作人员；打印机恢复后，可在此重新领取%1的号票。</translation>
    </message>
    <message>
        <source>%1. Ticket %2 has been cancelled, nobody will call it.</source>
        <translation>%1。%2 号已作废，不会被叫号。</translation>
    </message>
</context>
<context>
    <name>hall::kiosk::KioskScreen</name>
    <message>
        <source>Welcome</source>
        <translation>欢迎光临</translation>
    </message>
    <message>
        <source>Touch here to take a ticket</source>
        <translation>点击此处取号</translation>
    </message>
    <message>
        <source>Or place your ID card on the reader, or hold your appointment QR code under the scanner</source>
        <translation>或将身份证放在读卡区，或将预约二维码对准扫描口</translation>
    </message>
    <message>
        <source>Mobile number</source>
        <translation>手机号取号</translation>
    </message>
    <message>
        <source>Appointment code</source>
        <translation>预约取号</translation>
    </message>
    <message>
        <source>Release password</source>
        <translation>放号密码</translation>
    </message>
    <message>
        <source>Please choose your business</source>
        <translation>请选择办理的业务</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Printing your ticket…</source>
        <translation>正在打印排队票…</translation>
    </message>
    <message>
        <source>Please take your ticket</source>
        <translation>请取走您的排队票</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Back to the start</source>
        <translation>返回首页</translation>
    </message>
    <message>
        <source>No, thank you</source>
        <translation>不用了</translation>
    </message>
    <message>
        <source>Print it again</source>
        <translation>补打排队票</translation>
    </message>
    <message>
        <source>We are closed</source>
        <translation>现在不在办公时间</translation>
    </message>
    <message>
        <source>Maintenance</source>
        <translation>维护</translation>
    </message>
    <message>
        <source>Print a test ticket</source>
        <translation>打印测试票</translation>
    </message>
    <message>
        <source>New paper roll: reset the counter</source>
        <translation>已换新纸卷：计数清零</translation>
    </message>
    <message>
        <source>Back to tickets</source>
        <translation>返回取号</translation>
    </message>
    <message>
        <source>Close the kiosk program</source>
        <translation>关闭取号程序</translation>
    </message>
    <message>
        <source>Maintenance code</source>
        <translation>维护密码</translation>
    </message>
    <message>
        <source>Wrong code</source>
        <translation>密码错误</translation>
    </message>
    <message>
        <source>Your mobile number</source>
        <translation>请输入手机号码</translation>
    </message>
    <message>
        <source>Your appointment code</source>
        <translation>请输入预约码</translation>
    </message>
    <message>
        <source>Your release password</source>
        <translation>请输入放号密码</translation>
    </message>
    <message>
        <source>Self-service tickets</source>
        <translation>自助取号</translation>
    </message>
    <message>
        <source>%1 · Self-service tickets</source>
        <translation>%1 · 自助取号</translation>
    </message>
    <message>
        <source>Standard mode</source>
        <translation>标准模式</translation>
    </message>
    <message>
        <source>Elderly mode 长者模式</source>
        <translation>长者模式</translation>
    </message>
    <message numerus="yes">
        <source>%n people ahead of you</source>
        <translation>
            <numerusform>您前面还有 %n 人</numerusform>
        </translation>
    </message>
    <message>
        <source>Estimated wait: about %1 min</source>
        <translation>预计等候约 %1 分钟</translation>
    </message>
    <message>
        <source>Issued offline: joins the queue when the network is back</source>
        <translation>离线取号：网络恢复后自动进入排队</translation>
    </message>
    <message>
        <source>Please wait in the hall and listen for your number; the wall screen shows it too.</source>
        <translation>请在大厅等候，留意语音叫号和大屏显示。</translation>
    </message>
    <message>
        <source>No, just my ticket</source>
        <translation>不用了，直接取号</translation>
    </message>
    <message>
        <source>Leave your mobile number and we will text you before you are called</source>
        <translation>留下手机号，叫号前短信提醒您</translation>
    </message>
    <message>
        <source>Take a new ticket</source>
        <translation>重新取号</translation>
    </message>
</context>
<context>
    <name>hall::kiosk::KioskSettings</name>
    <message>
        <source>Self-service kiosk</source>
        <translation>自助取号机</translation>
    </message>
    <message>
        <source>Back to the start screen after no touch for</source>
        <translation>无操作返回首页的时间</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Back to the start screen after a ticket was printed, after</source>
        <translation>出票后返回首页的时间</translation>
    </message>
    <message>
        <source>Maintenance code</source>
        <translation>维护密码</translation>
    </message>
    <message>
        <source>6 to 12 digits.</source>
        <translation>6 至 12 位数字。</translation>
    </message>
    <message>
        <source>Warn that the paper roll is low after</source>
        <translation>提示纸卷将尽的出票张数</translation>
    </message>
    <message>
        <source> tickets</source>
        <translation> 张</translation>
    </message>
    <message>
        <source>Tickets printed on this roll</source>
        <translation>本卷已打印张数</translation>
    </message>
    <message>
        <source>Typed on the kiosk to reach the maintenance screen; the only way out of the kiosk.</source>
        <translation>在取号机上输入以进入维护界面；这是退出取号机的唯一途径。</translation>
    </message>
</context>
<context>
    <name>hall::kiosk::TicketPrinting</name>
    <message>
        <source>the printer did not answer</source>
        <translation>打印机无应答</translation>
    </message>
    <message>
        <source>No ticket printer is configured</source>
        <translation>未配置排队票打印机</translation>
    </message>
    <message>
        <source>The printer is out of paper</source>
        <translation>打印机缺纸</translation>
    </message>
    <message>
        <source>The printer's cover is open</source>
        <translation>打印机盖未关</translation>
    </message>
    <message>
        <source>The ticket printer is not ready (%1)</source>
        <translation>排队票打印机未就绪（%1）</translation>
    </message>
</context>
<context>
    <name>hall::server::EventHub</name>
    <message>
        <source>WebSocket events are at /api/v1/events.</source>
        <translation>WebSocket 事件流地址为 /api/v1/events。</translation>
    </message>
    <message>
        <source>The token is unknown or has expired; sign in again.</source>
        <translation>令牌无效或已过期，请重新登录。</translation>
    </message>
    <message>
        <source>There is no hall "%1".</source>
        <translation>不存在大厅“%1”。</translation>
    </message>
    <message>
        <source>This account belongs to another hall.</source>
        <translation>该账号属于其他大厅。</translation>
    </message>
    <message>
        <source>This account opened more than %1 event streams; the oldest was closed.</source>
        <translation>此账号打开的事件流超过 %1 个，已关闭最早的一个。</translation>
    </message>
    <message>
        <source>Signed out: this event stream has ended.</source>
        <translation>已退出登录：此事件流已结束。</translation>
    </message>
    <message>
        <source>Send the token in the handshake's "Authorization: Bearer" header, never in the URL.</source>
        <translation>请在握手请求的“Authorization: Bearer”头中发送令牌，切勿放在 URL 中。</translation>
    </message>
    <message>
        <source>This account has been disabled.</source>
        <translation>此账号已被停用。</translation>
    </message>
    <message numerus="yes">
        <source>This account opens event streams too often; try again in %n second(s).</source>
        <translation>
            <numerusform>此账号打开事件流过于频繁，请 %n 秒后再试。</numerusform>
        </translation>
    </message>
    <message>
        <source>A %1 account follows no hall's events.</source>
        <translation>%1 账户不接收任何大厅的事件。</translation>
    </message>
</context>
<context>
    <name>hall::server::HttpCore</name>
    <message>
        <source>/api/v1/events is a WebSocket stream; connect with ws:// or wss://.</source>
        <translation>/api/v1/events 是 WebSocket 事件流，请使用 ws:// 或 wss:// 连接。</translation>
    </message>
    <message>
        <source>Cannot read the TLS certificate %1 or key %2.</source>
        <translation>无法读取 TLS 证书 %1 或私钥 %2。</translation>
    </message>
    <message>
        <source>The TLS certificate or key is not valid PEM.</source>
        <translation>TLS 证书或私钥不是有效的 PEM 格式。</translation>
    </message>
    <message>
        <source>Cannot listen on %1:%2 (is another server running there?)</source>
        <translation>无法监听 %1:%2（是否已有其他服务在该端口运行？）</translation>
    </message>
    <message>
        <source>Sign in first: send "Authorization: Bearer &lt;token&gt;" from POST /api/v1/auth/login.</source>
        <translation>请先登录：在请求头中携带 "Authorization: Bearer &lt;token&gt;"，令牌通过 POST /api/v1/auth/login 获取。</translation>
    </message>
    <message>
        <source>The token is unknown or has expired; sign in again.</source>
        <translation>令牌无效或已过期，请重新登录。</translation>
    </message>
    <message>
        <source>%1 is not allowed on %2.</source>
        <translation>%2 不支持 %1 请求。</translation>
    </message>
    <message>
        <source>There is no endpoint %1 %2; see docs/api.md.</source>
        <translation>不存在接口 %1 %2，请参阅 docs/api.md。</translation>
    </message>
    <message>
        <source>The %1 role may not do this.</source>
        <translation>%1 角色无权执行此操作。</translation>
    </message>
    <message>
        <source>There is no hall "%1".</source>
        <translation>不存在大厅“%1”。</translation>
    </message>
    <message>
        <source>This account belongs to another hall.</source>
        <translation>该账号属于其他大厅。</translation>
    </message>
    <message>
        <source>The request body is larger than %1 bytes.</source>
        <translation>请求体超过 %1 字节。</translation>
    </message>
    <message>
        <source>Send the body as application/json.</source>
        <translation>请求体须以 application/json 格式发送。</translation>
    </message>
    <message>
        <source>The body is not valid JSON: %1 at offset %2.</source>
        <translation>请求体不是有效的 JSON：%1（偏移量 %2）。</translation>
    </message>
    <message>
        <source>The body must be a JSON object.</source>
        <translation>请求体必须是 JSON 对象。</translation>
    </message>
    <message>
        <source>The change could not be saved and was not made; try again.</source>
        <translation>更改保存失败，未生效，请重试。</translation>
    </message>
    <message>
        <source>%1 %2 has no access rule yet; nobody may call it.</source>
        <translation>%1 %2 尚无访问规则，任何人都不能调用。</translation>
    </message>
    <message>
        <source>You are not logged in at window %1.</source>
        <translation>您未在%1号窗口登录。</translation>
    </message>
    <message>
        <source>Send the body as application/octet-stream.</source>
        <translation>请以 application/octet-stream 发送请求体。</translation>
    </message>
</context>
<context>
    <name>hall::server::Notifications</name>
    <message>
        <source>Reminders need the personal-data key that seals the phone numbers (--personal-key FILE).</source>
        <translation>短信提醒需要加密手机号码的个人数据密钥（--personal-key 文件）。</translation>
    </message>
    <message>
        <source>the personal-data key</source>
        <translation>个人数据密钥</translation>
    </message>
    <message>
        <source>Reminders are off: %1</source>
        <translation>短信提醒已关闭：%1</translation>
    </message>
</context>
<context>
    <name>hall::server::Ownership</name>
    <message>
        <source>This hall-server lost the lock on its halls and stops serving them: %1</source>
        <translation>本 hall-server 已失去大厅锁，停止服务这些大厅：%1</translation>
    </message>
    <message>
        <source>The halls of %1 are served by another hall-server (%2). Stop it first, or start this one with --standby to take over when it stops.</source>
        <translation>%1 的大厅正由另一个 hall-server（%2）服务。请先停止它，或以 --standby 启动本实例，在其停止后接管。</translation>
    </message>
    <message>
        <source>This hall-server does not own the halls any more.</source>
        <translation>本 hall-server 已不再拥有这些大厅。</translation>
    </message>
    <message>
        <source>Another hall-server (%1) has taken over the halls; this one stops serving them.</source>
        <translation>另一个 hall-server（%1）已接管这些大厅；本实例停止服务。</translation>
    </message>
    <message>
        <source>one that has not claimed them yet</source>
        <translation>一个尚未登记接管的实例</translation>
    </message>
    <message>
        <source>host %1, process %2, since %3, epoch %4</source>
        <translation>主机 %1，进程 %2，自 %3 起，纪元 %4</translation>
    </message>
</context>
<context>
    <name>hall::sync::BlobReader</name>
    <message>
        <source>%1 is not an encrypted blob of this HallSuite version.</source>
        <translation>%1 不是本版本 HallSuite 的加密文件。</translation>
    </message>
    <message>
        <source>The blob file %1 is damaged.</source>
        <translation>文件 %1 已损坏。</translation>
    </message>
    <message>
        <source>No key: the blob cannot be read.</source>
        <translation>没有密钥：无法读取文件。</translation>
    </message>
    <message>
        <source>Bytes %1 to %2 are outside the blob.</source>
        <translation>字节 %1 至 %2 超出文件范围。</translation>
    </message>
    <message>
        <source>The blob file %1 is cut short.</source>
        <translation>文件 %1 被截断。</translation>
    </message>
</context>
<context>
    <name>hall::sync::BlobStore</name>
    <message>
        <source>The file ended after %1 of %2 bytes.</source>
        <translation>文件在 %2 字节中的第 %1 字节处结束。</translation>
    </message>
    <message>
        <source>The blob could not be encrypted; nothing was stored.</source>
        <translation>文件无法加密；未保存任何内容。</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
</context>
<context>
    <name>hall::sync::SyncEngine</name>
    <message numerus="yes">
        <source>%n entries waiting, no progress for %1 s: %2</source>
        <translation>
            <numerusform>%n 条待发送，已 %1 秒无进展：%2</numerusform>
        </translation>
    </message>
    <message>
        <source>no answer from the server</source>
        <translation>服务器无应答</translation>
    </message>
    <message>
        <source>Entry %1 holds personal data that cannot be opened: %2</source>
        <translation>条目 %1 含有无法解密的个人信息：%2</translation>
    </message>
    <message>
        <source>Blobs wait for upload, but the cache's key is not available to read them.</source>
        <translation>有文件等待上传，但缓存密钥不可用，无法读取。</translation>
    </message>
    <message numerus="yes">
        <source>%n blobs waiting to upload, no progress for %1 s: %2</source>
        <translation>
            <numerusform>%n 个文件等待上传，已 %1 秒无进展：%2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n blobs to upload have lost their local file (the PC stopped while they were stored?); the materials that reference them wait: scan them again, or import them from an export (hall-sync import-blobs).</source>
        <translation>
            <numerusform>%n 个待上传的二进制文件丢失了本地文件（本机在保存时中断？）；引用它们的材料在等待：请重新扫描，或从导出中导入（hall-sync import-blobs）。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>hall::ui::CaptureController</name>
    <message>
        <source>Shoot</source>
        <translation>拍摄</translation>
    </message>
    <message>
        <source>Take a photo of the page, or scan with the scanner</source>
        <translation>拍摄页面，或用扫描仪扫描</translation>
    </message>
    <message>
        <source>Cancel scan</source>
        <translation>取消扫描</translation>
    </message>
    <message>
        <source>Stop the scanner; the pages scanned so far are kept</source>
        <translation>停止扫描；已扫描的页面会保留</translation>
    </message>
    <message>
        <source>Live preview</source>
        <translation>实时预览</translation>
    </message>
    <message>
        <source>Back to the camera's live picture</source>
        <translation>返回高拍仪的实时画面</translation>
    </message>
    <message>
        <source>Rotate left</source>
        <translation>左转</translation>
    </message>
    <message>
        <source>Turn the page 90° anticlockwise</source>
        <translation>将此页逆时针旋转 90°</translation>
    </message>
    <message>
        <source>Rotate right</source>
        <translation>右转</translation>
    </message>
    <message>
        <source>Turn the page 90° clockwise</source>
        <translation>将此页顺时针旋转 90°</translation>
    </message>
    <message>
        <source>Mirror</source>
        <translation>镜像</translation>
    </message>
    <message>
        <source>Flip the page left to right (a camera that shows it mirrored)</source>
        <translation>将本页左右翻转（用于画面左右颠倒的摄像头）</translation>
    </message>
    <message>
        <source>Crop</source>
        <translation>裁剪</translation>
    </message>
    <message>
        <source>Drag the four corners onto the page's corners</source>
        <translation>将四个角点拖到页面的四个角上</translation>
    </message>
    <message>
        <source>Apply crop</source>
        <translation>应用裁剪</translation>
    </message>
    <message>
        <source>Keep the part inside the corners</source>
        <translation>保留四个角点以内的部分</translation>
    </message>
    <message>
        <source>Cancel crop</source>
        <translation>取消裁剪</translation>
    </message>
    <message>
        <source>Leave the crop as it was</source>
        <translation>保持原来的裁剪</translation>
    </message>
    <message>
        <source>Move earlier</source>
        <translation>前移</translation>
    </message>
    <message>
        <source>Move the page one place earlier</source>
        <translation>将此页向前移动一位</translation>
    </message>
    <message>
        <source>Move later</source>
        <translation>后移</translation>
    </message>
    <message>
        <source>Move the page one place later</source>
        <translation>将此页向后移动一位</translation>
    </message>
    <message>
        <source>Delete page</source>
        <translation>删除此页</translation>
    </message>
    <message>
        <source>Remove this page from the material</source>
        <translation>从材料中删除此页</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Document camera</source>
        <translation>高拍仪</translation>
    </message>
    <message>
        <source>Scanner</source>
        <translation>扫描仪</translation>
    </message>
    <message>
        <source>The document camera is not ready (%1). Check its cable; it reconnects by itself.</source>
        <translation>高拍仪未就绪（%1）。请检查其连接线，高拍仪会自动重新连接。</translation>
    </message>
    <message>
        <source>Taking the photo…</source>
        <translation>正在拍摄…</translation>
    </message>
    <message>
        <source>The photo was not taken: %1 (%2)</source>
        <translation>未能拍摄照片：%1（%2）</translation>
    </message>
    <message>
        <source>The scanner is not ready (%1). Check that it is on and connected.</source>
        <translation>扫描仪未就绪（%1）。请检查扫描仪是否已开机并连接。</translation>
    </message>
    <message>
        <source>The scanner reported no resolutions; it cannot scan.</source>
        <translation>扫描仪未报告任何可用分辨率，无法扫描。</translation>
    </message>
    <message>
        <source>Scanning…</source>
        <translation>正在扫描…</translation>
    </message>
    <message numerus="yes">
        <source>Scan finished: %n page(s) in this material.</source>
        <translation>
            <numerusform>扫描完成：此材料共 %n 页。</numerusform>
        </translation>
    </message>
    <message>
        <source>Scan cancelled; the pages scanned before are kept.</source>
        <translation>扫描已取消，之前扫描的页已保留。</translation>
    </message>
    <message>
        <source>The scan failed: %1</source>
        <translation>扫描失败：%1</translation>
    </message>
    <message>
        <source>Page %1 added, but its edges were not found: check it and crop by hand if needed.</source>
        <translation>已添加第 %1 页，但未找到页面边缘：请检查，必要时手动裁剪。</translation>
    </message>
    <message>
        <source>Page %1 added (%2 × %3, %4 dpi).</source>
        <translation>已添加第 %1 页（%2 × %3，%4 dpi）。</translation>
    </message>
    <message>
        <source>Page %1 scanned.</source>
        <translation>第 %1 页已扫描。</translation>
    </message>
    <message>
        <source>Page %1 added from a file.</source>
        <translation>已从文件添加第 %1 页。</translation>
    </message>
    <message>
        <source>Pages %1 to %2 added from a file.</source>
        <translation>已从文件添加第 %1 至 %2 页。</translation>
    </message>
    <message>
        <source>Page %1 deleted.</source>
        <translation>第 %1 页已删除。</translation>
    </message>
    <message>
        <source>There are no pages to save.</source>
        <translation>没有可保存的页。</translation>
    </message>
</context>
<context>
    <name>hall::ui::CaptureDeskView</name>
    <message>
        <source>Colour</source>
        <translation>彩色</translation>
    </message>
    <message>
        <source>Gray</source>
        <translation>灰度</translation>
    </message>
    <message>
        <source>Black and white (text)</source>
        <translation>黑白（文字）</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>分辨率</translation>
    </message>
    <message>
        <source>Paper</source>
        <translation>进纸方式</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Colour mode</source>
        <translation>色彩模式</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom in (Ctrl + wheel)</source>
        <translation>放大（Ctrl + 滚轮）</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Zoom out (Ctrl + wheel)</source>
        <translation>缩小（Ctrl + 滚轮）</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>Show the whole page</source>
        <translation>显示整页</translation>
    </message>
    <message>
        <source>Colour mode of this page</source>
        <translation>此页的色彩模式</translation>
    </message>
    <message>
        <source>%1 dpi</source>
        <translation>%1 dpi</translation>
    </message>
    <message>
        <source>Document feeder (all pages)</source>
        <translation>自动进纸器（全部页）</translation>
    </message>
    <message>
        <source>Flatbed (one page)</source>
        <translation>平板（单页）</translation>
    </message>
    <message>
        <source>Material: %1 (at most %2)</source>
        <translation>材料：%1（大小上限 %2）</translation>
    </message>
    <message>
        <source>Material: %1</source>
        <translation>材料：%1</translation>
    </message>
</context>
<context>
    <name>hall::ui::CaptureSettings</name>
    <message>
        <source>Capture</source>
        <translation>采集</translation>
    </message>
    <message>
        <source>Turn photos</source>
        <translation>照片旋转</translation>
    </message>
    <message>
        <source>As shot</source>
        <translation>不旋转</translation>
    </message>
    <message>
        <source>Right 90°</source>
        <translation>右转 90°</translation>
    </message>
    <message>
        <source>Left 90°</source>
        <translation>左转 90°</translation>
    </message>
    <message>
        <source>Upside down</source>
        <translation>旋转 180°</translation>
    </message>
    <message>
        <source>Auto crop and straighten</source>
        <translation>自动裁边纠偏</translation>
    </message>
    <message>
        <source>How new photos are turned, so the page comes out upright</source>
        <translation>新拍摄的照片如何旋转，使页面方向摆正</translation>
    </message>
    <message>
        <source>Find the edges of the page in the photo and straighten it</source>
        <translation>在照片中查找页面边缘并纠正倾斜</translation>
    </message>
</context>
<context>
    <name>hall::ui::CaptureView</name>
    <message>
        <source>Shoot</source>
        <translation>拍摄</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>Cancel scan</source>
        <translation>取消扫描</translation>
    </message>
    <message>
        <source>Scan with the chosen resolution and paper source</source>
        <translation>按所选分辨率和进纸方式扫描</translation>
    </message>
    <message>
        <source>Add from file…</source>
        <translation>从文件添加…</translation>
    </message>
    <message>
        <source>Add photos or scans saved as files (JPEG, PNG, BMP, TIFF, PDF)</source>
        <translation>添加已保存为文件的照片或扫描件（JPEG、PNG、BMP、TIFF、PDF）</translation>
    </message>
    <message>
        <source>Take a photo of the page (button or foot pedal)</source>
        <translation>拍摄页面（按钮或脚踏开关）</translation>
    </message>
    <message>
        <source>Take a photo of the page (%1 or the foot pedal)</source>
        <translation>拍摄此页（按 %1 或踩脚踏开关）</translation>
    </message>
    <message>
        <source>Add from file</source>
        <translation>从文件添加</translation>
    </message>
    <message>
        <source>Images and PDF files (*.jpg *.jpeg *.png *.bmp *.tif *.tiff *.pdf)</source>
        <translation>图片和 PDF 文件 (*.jpg *.jpeg *.png *.bmp *.tif *.tiff *.pdf)</translation>
    </message>
    <message>
        <source>Document camera</source>
        <translation>高拍仪</translation>
    </message>
    <message>
        <source>Scanner</source>
        <translation>扫描仪</translation>
    </message>
    <message>
        <source>Live preview</source>
        <translation>实时预览</translation>
    </message>
    <message>
        <source>Page %1 of %2: drag the corners, then apply</source>
        <translation>第 %1 页（共 %2 页）：拖动角点，然后应用裁剪</translation>
    </message>
    <message>
        <source>Page %1 of %2</source>
        <translation>第 %1 页（共 %2 页）</translation>
    </message>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n 页</numerusform>
        </translation>
    </message>
    <message>
        <source>No document camera is set up for this PC.</source>
        <translation>本机未配置高拍仪。</translation>
    </message>
    <message>
        <source>Put the pages on the scanner and press Scan.</source>
        <translation>请将文件页放到扫描仪上，然后按“扫描”。</translation>
    </message>
    <message>
        <source>No pages yet.</source>
        <translation>尚无页面。</translation>
    </message>
</context>
<context>
    <name>hall::ui::PageList</name>
    <message>
        <source>Page %1</source>
        <translation>第 %1 页</translation>
    </message>
    <message>
        <source>%1 × %2 pixels, %3 dpi</source>
        <translation>%1 × %2 像素，%3 dpi</translation>
    </message>
    <message>
        <source>No page edge was found: crop it by hand if needed</source>
        <translation>未找到页面边缘：必要时请手动裁剪</translation>
    </message>
    <message>
        <source>%1 cannot be added: %2</source>
        <translation>无法添加 %1：%2</translation>
    </message>
    <message>
        <source>%1 cannot be added: the PDF is protected by a password.</source>
        <translation>无法添加 %1：该 PDF 有密码保护。</translation>
    </message>
    <message>
        <source>%1 cannot be added: it is not a readable PDF.</source>
        <translation>无法添加 %1：不是可读取的 PDF 文件。</translation>
    </message>
    <message>
        <source>%1 cannot be added: page %2 could not be rendered.</source>
        <translation>无法添加 %1：第 %2 页无法显示。</translation>
    </message>
</context>
<context>
    <name>hall::ui::PinyinEngine</name>
    <message>
        <source>librime could not be loaded (%1)</source>
        <translation>无法加载 librime 输入法引擎（%1）</translation>
    </message>
    <message>
        <source>librime is already in use with the pinyin data in %1</source>
        <translation>librime 已在使用 %1 中的拼音数据</translation>
    </message>
    <message>
        <source>the pinyin data is missing (%1)</source>
        <translation>缺少拼音数据（%1）</translation>
    </message>
    <message>
        <source>librime could not open the pinyin schema in %1</source>
        <translation>librime 无法打开 %1 中的拼音方案</translation>
    </message>
    <message>
        <source>the pinyin data in %1 gives no candidates (damaged?)</source>
        <translation>%1 中的拼音数据给不出候选字（可能已损坏）</translation>
    </message>
</context>
<context>
    <name>hall::ui::TouchKeyboard</name>
    <message>
        <source>Pinyin input is unavailable: %1. Letters and digits still work.</source>
        <translation>拼音输入不可用：%1。字母和数字仍可输入。</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Split '</source>
        <translation>分隔 '</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>空格</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Pinyin</source>
        <translation>拼音</translation>
    </message>
    <message>
        <source>ABC</source>
        <translation>ABC</translation>
    </message>
    <message>
        <source>123</source>
        <translation>123</translation>
    </message>
    <message>
        <source>Type pinyin, then touch the characters you want</source>
        <translation>输入拼音，再点选您要的汉字</translation>
    </message>
</context>
<context>
    <name>hall::voice::ClipEngine</name>
    <message>
        <source>Cannot write the announcement to %1: %2</source>
        <translation>无法将播报写入 %1：%2</translation>
    </message>
    <message>
        <source>No sound output can play the hall voice (%1 Hz mono); check the speakers.</source>
        <translation>没有能播放大厅语音（%1 Hz 单声道）的声音输出设备；请检查音箱。</translation>
    </message>
    <message>
        <source>The sound output refused to play (error %1).</source>
        <translation>声音输出设备拒绝播放（错误 %1）。</translation>
    </message>
    <message>
        <source>The sound output stopped while speaking (error %1); check the speakers.</source>
        <translation>播报过程中声音输出设备停止工作（错误 %1），请检查音箱。</translation>
    </message>
</context>
<context>
    <name>hall::voice::TtsEngine</name>
    <message>
        <source>The text-to-speech engine %1 did not finish "%2" in %3 s; check its audio output (speech-dispatcher: AudioOutputMethod).</source>
        <translation>语音合成引擎 %1 未在 %3 秒内播完“%2”；请检查其音频输出（speech-dispatcher：AudioOutputMethod）。</translation>
    </message>
    <message>
        <source>No text-to-speech engine is installed. Use the clip engine (voice engine "clips"), or install qt6-speech-speechd-plugin with speech-dispatcher-espeak-ng.</source>
        <translation>未安装任何语音合成引擎。请使用语音片段引擎（语音引擎 "clips"），或安装 qt6-speech-speechd-plugin 和 speech-dispatcher-espeak-ng。</translation>
    </message>
    <message>
        <source>There is no text-to-speech engine "%1" (installed: %2). Use one of those or the clip engine (voice engine "clips").</source>
        <translation>没有语音合成引擎“%1”（已安装：%2）。请使用已安装的引擎之一，或使用语音片段引擎（语音引擎 "clips"）。</translation>
    </message>
    <message>
        <source>%1: no Chinese voice "%2" (its Chinese voices: %3)</source>
        <translation>%1：没有中文发音人“%2”（其中文发音人：%3）</translation>
    </message>
    <message>
        <source>%1: the voice %2 cannot be chosen (%3)</source>
        <translation>%1：无法选用发音人 %2（%3）</translation>
    </message>
    <message>
        <source>No text-to-speech engine has a Chinese voice for the hall voice (%1). Use the clip engine (voice engine "clips"), or install a Chinese voice (speech-dispatcher-espeak-ng).</source>
        <translation>没有任何语音合成引擎提供可用于大厅播报的中文发音人（%1）。请使用语音片段引擎（语音引擎 "clips"），或安装中文语音（speech-dispatcher-espeak-ng）。</translation>
    </message>
    <message>
        <source>The text-to-speech engine was closed while speaking.</source>
        <translation>语音合成引擎在播报过程中被关闭。</translation>
    </message>
    <message>
        <source>The text-to-speech engine is not open.</source>
        <translation>语音合成引擎未打开。</translation>
    </message>
    <message>
        <source>The text-to-speech engine is still speaking; announcements must wait their turn.</source>
        <translation>语音合成引擎仍在播报，其他播报须排队等候。</translation>
    </message>
    <message>
        <source>The announcement has nothing to say.</source>
        <translation>该播报没有内容。</translation>
    </message>
    <message>
        <source>The text-to-speech engine %1 cannot say "%2": %3</source>
        <translation>语音合成引擎 %1 无法播报“%2”：%3</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>未知错误</translation>
    </message>
    <message>
        <source>The text-to-speech engine %1 broke off "%2": %3</source>
        <translation>语音合成引擎 %1 播报“%2”时中断：%3</translation>
    </message>
</context>
</TS>