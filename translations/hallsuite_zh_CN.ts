<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Database</name>
    <message>
        <source>No database file was given.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a PostgreSQL URL: %1 (expected postgres://user:password@host:port/database)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the database %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Engine</name>
    <message>
        <source>There is no business &quot;%1&quot; in this hall.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no window &quot;%1&quot; in this hall.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody is logged in at window %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window %1 is paused; resume it first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is paused; no tickets are issued for it now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No window is serving %1 at the moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not taking tickets at this time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>当前业务取号数量已满</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This person may not take tickets until %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This person already holds ticket %1 for %2; reprint it instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All numbers of %1 for today are used (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The ID number is not valid; read the card again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The mobile number is not valid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tickets of this kind are not issued here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no priority level &quot;%2&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An appointment code of 1 to 32 characters is required.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Appointment %1 already exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The appointment slot must have a start before its end.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The appointment slot is already over.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This person may not book until %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no appointment %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Appointment %1 is already checked in as ticket %2; reprint it instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Appointment %1 is for %2, not today.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check-in for appointment %1 opens at %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No appointment for today was found for this ID card.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no ticket %1 today.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticket %1 is closed; it cannot be reprinted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticket %1 is itself a sub ticket.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticket %1 is not open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window %1 does not handle %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Between 1 and 100 release passwords can be made at once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This release password was already used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This release password is not valid today.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give a valid ID number or mobile number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The end date must be today or later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A reason is required.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This person is not on the blacklist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window %1 is in use by another officer; they must log out first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window %1 is already paused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a pause type.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finish, transfer or hang up the current ticket before pausing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window %1 is not paused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody is waiting for window %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window %1 has no called ticket to recall.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticket %1 is not waiting in the queue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticket %1 is not for window %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticket %1 is not hung up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticket %1 was hung up at another window.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window %1 has no called ticket to start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window %1 has no ticket to finish.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only a called ticket whose holder did not come can be marked missed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only a ticket being served at window %1 can be transferred.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the window or the business to transfer to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A ticket cannot be transferred to its own window.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No other window handles %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window %1 has no ticket to hang up.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HallConfig</name>
    <message>
        <source>%1: must be [&quot;start&quot;, &quot;end&quot;] with start before end, like [&quot;08:30&quot;, &quot;12:00&quot;]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; may hold only letters, digits, - and _ (at most 32)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is used twice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; must be up to three capital letters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>businesses: a hall needs at least one business</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: must be [first, last] with first ≤ last, like [1, 499]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the range end %2 does not fit in %3 digits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: prefix &quot;%2&quot; is already used by another business</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: no window group &quot;%2&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: give a morning or an afternoon range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the afternoon starts before the morning ends</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1.%2: a priority level must be a whole number 0–100</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: must be a list of text lines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: no floor &quot;%2&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: must be arrival, order or weight</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: a window serves at least one business</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: no business &quot;%2&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: business &quot;%2&quot; is bound twice</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: must be one of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: at least 8 characters</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HallDemo</name>
    <message>
        <source>Runs a scripted hall morning against hall-server --fake-clock.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server base URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The day to simulate (yyyy-MM-dd).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Random seed: the same seed gives the same morning.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the simulation at this time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hall-demo: cannot sign in; is hall-server running on the demo hall?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hall-demo: the server does not accept a clock; start it with --fake-clock.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booked and did not come three times</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Business meeting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>=== %1, morning of %2, simulated 08:30–%3 ===</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 tickets in the hall (%2 issued at the kiosk, the rest appointments, special and transfers); %3 calls, %4 recalls, %5 marked missed, %6 transferred, %7 hung up and called back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Business          issued  done  waiting  missed  abandoned  avg wait (min)  remaining quota</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window  state    served</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refused at the kiosk or window (the server said no, nothing changed):</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HallLoad</name>
    <message>
        <source>Load generator for hall-server (bench/README.md).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server base URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hall code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Concurrent clients.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Windows to spread the clients over (1..n).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Business codes B00..B(n-1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Length of the measured run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unmeasured warm-up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kiosk login:password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller-bus login:password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measure SQLite&apos;s durable commit rate in this folder (same disk as the server).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hall-load: cannot sign in at %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HallServer</name>
    <message>
        <source>Unknown ticket status &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no business &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>source must be touch, idcard or phone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Green-channel tickets are issued by staff.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no ticket %1 today.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a ticket id: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This request takes no body.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>slotStart and slotEnd must be ISO 8601 times like 2026-11-23T09:00:00.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give either the appointment code or the ID number.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HallServerMain</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not valid JSON: %2 at offset %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot save hall %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hall %1 (%2): %3 businesses, %4 windows, %5 accounts in the seed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>account add needs --login, --role and --name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--role must be one of %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--hall must name a seeded hall for a %1 account.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give a password of at least 8 characters on standard input.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An account %1 already exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Account %1 (%2) created.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>self-test: /api/v1/health did not answer ok</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HallSuite hall service.

  hall-server [serve]            run the service
  hall-server seed FILE          load or update a hall from a JSON file
  hall-server account add ...    create an account (password on stdin)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folder of the embedded SQLite database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PostgreSQL URL instead: postgres://user:password@host:port/database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address and port to serve on (default 127.0.0.1:8080).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PEM certificate: serve HTTPS and WSS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PEM private key of the certificate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start the clock at this time and let admins move it (demo and tests only).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>account add: login name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>account add: display name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>account add: admin, supervisor, officer, kiosk, display or caller.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>account add: code of the account&apos;s hall.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Serve the demo hall from a temporary folder, check it answers, and exit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>serve (default), seed or account.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown command &quot;%1&quot;; see --help.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>seed needs one file: hall-server seed hall.json</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only &quot;account add&quot; exists so far.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--fake-clock needs an ISO 8601 time like 2026-11-23T08:30:00.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--listen needs host:port, e.g. 127.0.0.1:8080 (port 0 picks a free one).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--tls-cert and --tls-key go together.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JsonReader</name>
    <message>
        <source>%1: required field is missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: must be text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: must not be empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: must be a whole number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: must be between %2 and %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: must be true or false</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: must be a time like 08:30</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: must be a list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: must be an object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: unknown field</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Migrator</name>
    <message>
        <source>Cannot prepare the schema table: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Migration %1 is out of sequence (expected number %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database has schema version %1, written by a newer HallSuite; this build understands versions up to %2. Install the newer HallSuite or restore a backup; the database was not changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read migration %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot start migration %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Migration %1 failed: %2
Statement: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot record migration %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Store</name>
    <message>
        <source>The stored configuration of hall %1 is not valid: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>hall::server::HallServer</name>
    <message>
        <source>There is no window &quot;%1&quot; in this hall.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are not logged in at window %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no officer &quot;%1&quot; in this hall.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown window operation %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The login or password is wrong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-in could not be saved; try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sign-out could not be saved; try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>code: the configuration is for hall &quot;%1&quot;, not &quot;%2&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>accounts: accounts are managed with hall-server account, not through the configuration.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Business %1 cannot be removed while the hall is running; pause it instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window %1 cannot be removed while the hall is running.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The configuration could not be saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The clock can only be set when hall-server runs with --fake-clock.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set: must be an ISO 8601 time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>/api/v1/events is a WebSocket stream; connect with ws:// or wss://.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the TLS certificate %1 or key %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The TLS certificate or key is not valid PEM.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot listen on %1:%2 (is another server running there?)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in first: send &quot;Authorization: Bearer &lt;token&gt;&quot; from POST /api/v1/auth/login.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token is unknown or has expired; sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not allowed on %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no endpoint %1 %2; see docs/api.md.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The %1 role may not do this.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no hall &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This account belongs to another hall.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The request body is larger than %1 bytes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the body as application/json.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The body is not valid JSON: %1 at offset %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The body must be a JSON object.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The change could not be saved and was not made; try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WebSocket events are at /api/v1/events.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
