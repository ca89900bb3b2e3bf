"""The prose of docs/PERFORMANCE.md: what each figure is, its floor, and how to read it."""

from chalicelib.platform.passwords import BLOCK_SIZE, LOG2_N, PARALLELISM

# The service's scrypt cost, as the text names it: N, r, p and the memory of one lane.
SCRYPT_COST = (
    f"N=2^{LOG2_N}, r={BLOCK_SIZE}, p={PARALLELISM}: {(128 * BLOCK_SIZE << LOG2_N) >> 20} MiB"
)

HEADER = """# Performance

Written by `make bench` (`python -m tools.bench`); do not edit by hand.
Every figure is measured in the same run as its floor, side by side, and is
reported as a **ratio** to that floor. Absolute times are shown alongside,
but they depend on the machine and on what else it was doing; the ratios are
the result. The DynamoDB here is moto's server, in its own process on
loopback (`infra/local_stack.py`), so time spent in DynamoDB calls says
nothing about real DynamoDB: it is measured only to be subtracted, and the
calls are counted."""

COLD_TEXT = """As Lambda runs it: `make package STAGE=dev`'s deployment.zip unpacked into a
folder made read-only, as /var/task is, and loaded by a fresh `python -I -S`
of the runtime's version that sees nothing but the zip and boto3 with its
dependencies (which the Lambda runtime provides; the same copy for every
variant). Each time is wall time from spawning the interpreter until its first
response exists: start-up, importing the handler, and answering one API
Gateway event. Ours answers `GET /v2/todos/{id}`: it checks a JWT and does
one GetItem. The floor is a bare Chalice app whose one route builds its
DynamoDB client as ours does (one botocore session, the same Config) and
does one GetItem, shipped in a zip built the same way: the Chalice runtime
modules from our zip and its `app.py` compiled as ours are. As deployed, ours
also reads its signing secret from Secrets Manager (two calls, AWSCURRENT and
AWSPREVIOUS) at its first request; the embedded server plays Secrets Manager
in the last line. All read the same embedded DynamoDB. Variants alternate,
round after round, and medians are shown after a warm-up round; beside the
ratio of medians is the median of each round's own ratio, whose variants ran
one after another. The floor is what a bare app does: the collector runs
as Python leaves it, where ours pauses it for its start-up
(`chalicelib/platform/start_up.py`). CPU time is the child's user and system time from its
start until its first response, so the interpreter's exit is left out: on a
loaded machine wall time also counts waiting for a core, which CPU time
does not, so its ratio is the steadier one."""

WARM_TEXT = """The Lambda handler called in-process with API Gateway events, each request
timed whole, minus the time inside botocore's `_make_api_call` (serialising,
signing, sending, parsing): **own time** is the service's code plus
Chalice's. There are two floors, called in every cycle beside the routes: a
bare Chalice route that returns constant JSON and checks no token, and the
same route with one PyJWT decode of the token. The first is what any Chalice
route costs, so a memory of verified tokens cannot flatter a ratio to it; the
second is what a stateless token check costs without one. A third floor, a
bare route making one GetItem, is there for the routes that make one. Every
route but one reuses one token, whose check is then a hit in the service's
memory of verified tokens. Medians over all cycles; the routes that hash or
check a password are under Login. The last two columns count CPU time
instead (the handler's, less the CPU its DynamoDB calls took), which waiting
for a core on a loaded machine does not inflate."""

VERIFIED_CACHE_TEXT = """The token cache, hit and missed: the same `GET /v2/todos/{id}`, in the same
cycles, once with the token the service has verified before (a hit: a
dictionary lookup and an expiry check) and once with a token issued just
before and not yet seen by this container (a miss: PyJWT's full verify,
then remembered). A client's first request to a container is a miss, and
its later ones hit until the token expires (15 minutes for v2)."""

LOGIN_TEXT = f"""Login is one GetItem and one scrypt verify ({SCRYPT_COST}); sign-up is
one scrypt hash and one TransactWriteItems. Each request is timed right
next to one bare `hashlib.scrypt` call of the same kind, with the parameters
read from a hash the service made, so a ratio near 1 means the password hash
is the whole cost, as it should be. The ratio is of wall times, DynamoDB
included. On a busy machine scrypt's wall time wanders by tens of percent as
the process is descheduled, so the last column compares CPU time instead
(the handler's, less the CPU spent in its DynamoDB calls, against the bare
scrypt call's): OpenSSL runs scrypt's lanes one after another on one thread,
so its CPU time is the time it costs on an idle core."""

SCALING_TEXT = """One user's list grown to each size, then each list read several times in
turn (medians; v2 three times as often, as it is cheap). v1 returns the whole list, so its cost
grows with the list; v2 reads one page (default 50, so `limit + 1` = 51
items once the list is longer), so past one page it stays flat. At 10 items
v2 reads all 10. Ratios are to the 10-item case of the same route. The
handler time includes moto, whose Query walks the whole partition even with
a `Limit`, so v2's handler time grows here while the items it reads do not;
DynamoDB reads only what a Query returns. Own time and items read are the
service's figures."""

QUOTA_LIST_TEXT = """The most a v1 call can be made to read: one user's list filled to the
stage's todo quota with 220-character titles, read whole through
`GET /v1/item/get` (medians), beside the same read at 10 items. The quota
is what bounds it: a list cannot grow past it, so no v1 call reads more."""

SESSIONS_TEXT = """Refresh is `POST /v2/auth/token` with `grant_type: refresh_token`, each
presenting the refresh token the previous one returned: the service parses
it, rotates its family in one transaction (the family's item, and a check
that the account's sessions still stand) and signs a new access token. Its
floor is a bare Chalice route doing what any such grant must: one PyJWT
encode, and a 256-bit random token with its SHA-256. Login during back-off
is the same route with the right password after five failed logins in a
row: 429 with Retry-After, decided from one strongly consistent GetItem,
with no scrypt; for a username nobody has, the failures live on a counter
item and the answer is the same. Its floor is a bare Chalice route making
one GetItem. Each round calls all of them and both floors, side by side
(medians). Handler time includes the DynamoDB calls, so it is compared only
where the floor makes the same calls; own time and CPU time leave them out."""

DELETION_TEXT = """`DELETE /v2/users/me` for a user at the full todo quota: every todo with
its title claim, the account item, a refresh-token family, the login record
and the email claim. The handler checks the password (one scrypt verify),
marks the account in one transaction, queries the partition's keys, deletes
them in batches of 25 (eight at a time), then deletes the login record, the
email claim and the account in one transaction. It is timed whole, once per
database, and the table is read afterwards: nothing of the user may be
left. The embedded moto server answers one request at a time, so the
parallel batches queue there; DynamoDB Local serves them in parallel. The
ratio is to the function's Lambda timeout: past 1.00x, Lambda would end the
request. Neither database has DynamoDB's latency or throttling. The handler's
wall time also counts waiting for the database's one process and, on a
loaded machine, for a core; the service's CPU time (its process, every
thread, the DynamoDB clients' work included) does not. Lambda gives a
function CPU in proportion to its memory, one vCPU at 1,769 MB, so the
estimate scales that CPU time to the smallest stage's share of a vCPU."""

HOTSPOT_TEXT = """cProfile over the handler calls of warm v1 and v2 cycles (every route
above but login), counting CPU time, so that waiting on DynamoDB, and time
this process spent descheduled, are charged to nobody. Own time is grouped
by the package the code belongs to: botocore, urllib3, jmespath and the
standard library's `http`, `email`, `socket` and `urllib` are the DynamoDB
calls; `builtins` is C code called from anywhere. A CPU profile does not see
sleeps: the service's retry back-off shows in the wall-clock own times of
the warm table instead."""

CALLS_TEXT = """Counted, not timed, on the last measured request of each route, with three
items on the board (four while a cycle's own item exists). Items read counts
the `Items` and `Item` in DynamoDB's replies."""

REVISIONS = """## Before and after two revisions

`make bench` measures one revision against its floors. To see what a change
did, `make compare BEFORE=<rev> AFTER=<rev>`
(`python -m tools.bench.revisions`) measures two git revisions side by side
in one run and prints their figures with the machine's load at the start and
the end; it writes nothing here. Each revision is exported with `git archive`
and packaged by its own `infra/package.py`. Its warm own time per route comes
from the cycles of the warm table above, run on the revision's own `app` in
a process of its own, with a board of nine items so the v2 list reads ten;
the two revisions' processes alternate round after round on one embedded
DynamoDB, a table each. The after/before ratio is the median of the rounds'
own ratios, shown with the middle half of them. The floor routes run the
same code on both sides, between the revision's routes, so their ratios show
the noise and the revision's weight on what runs after its routes (CPU
caches, the garbage collector); a route's ratio within their spread is no
change of its own code. Cold start is the section above's, with each
revision's own zip beside the floor. Both revisions must pin the library
versions this virtualenv has installed; the tool stops and names any that
differ."""

HOW_TO_READ = """## How to read these figures

- **Ratio** is ours divided by the floor measured in the same run. 1.00x
  means no cost over the floor; the summary gives the headline figure of each
  section.
- **Cold start** matters once per Lambda container; the floor is what any
  Chalice app that reads DynamoDB pays, loaded the same way. "Of which
  importing the app" is the part before the first request; ours and the
  floor both import botocore only then.
- **Own time** excludes DynamoDB, so it is what a faster database could not
  remove. Lambda gives a function CPU in proportion to its memory (one vCPU
  at 1,769 MB), so on `dev`'s 512 MB expect CPU-bound times about 3.5x
  those measured on one core here.
- **DynamoDB calls** are the cost that matters on AWS (latency per round trip,
  and capacity units); they are counted, so they are exact.
- **Login** should be scrypt plus a GetItem; a ratio well above 1 would mean
  work around the hash.
- **Token cache**: the ratio to the bare route includes the token check;
  a miss costs what the PyJWT floor costs, and a hit should cost far less.
- **Refresh and back-off** are listed with their DynamoDB calls, counted
  exactly; a login in back-off should show no scrypt cost, only its floor's.
- **Deleting an account** must stay well under 1.00x of the timeout.
- **Package size** is the zip Lambda loads on a cold start; the floor is
  Chalice's own runtime in it, and the goal is 300 KB.
- **Scaling**: v1 must read a whole list (the book's API returns it all);
  v2's ratios from 100 to 1,000 items should stay near 1."""

LOAD_BOUNDS = f"""`make load` (`tools/load/`) runs Locust headless against `make run`'s
server, or a private stack if none answers: concurrent users, each on a
keep-alive connection, repeat the book's v1 walk-through and v2 CRUD until
a fixed number of requests is sent, and every response is checked. What
bounds these numbers is the local stack, not the service:

- `chalice local` is a development server: one process, a thread per
  connection, so all requests share one GIL.
- The database is moto, answering one request at a time
  (`infra/dev_stack.py`): as shipped, moto's TransactWriteItems copies each
  whole table it names and puts the copy back when the transaction is
  cancelled, which would undo other requests' writes. The private stack's
  moto also copies only the items a transaction touches
  (`tools/moto_tweaks.py`); `make run`'s does not, so there every
  transaction gets slower as the table grows, and a table of thousands of
  items can meet the service's 2 s read timeout.
- Passwords cost one scrypt hash or verify each ({SCRYPT_COST}); every session
  signs up and logs in once.

With a private stack, the report adds the time spent inside the handler from
the server's own request log; beside the benchmark's own time per request
(under a millisecond), it shows that almost all of each latency is waiting,
for moto and for the GIL. On AWS, each concurrent request gets its own
Lambda container and DynamoDB serves partitions in parallel, so throughput
grows with concurrency up to the account's and the function's reserved
concurrency (50 on `prod`). Read these figures as a check that the service
stays correct under concurrency on one machine, not as its capacity."""
