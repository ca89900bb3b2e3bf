from chalicelib.http.middleware import request_log
from chalicelib.http.pages import pages
from chalicelib.http.threadsafe import ThreadSafeChalice
from chalicelib.http.v1 import v1
from chalicelib.http.v2 import v2

app = ThreadSafeChalice(app_name="todo-service")
app.register_middleware(request_log, "http")
app.register_blueprint(v1)
app.register_blueprint(v2)
app.register_blueprint(pages)
