from chalicelib.middleware import request_log
from chalicelib.pages import pages
from chalicelib.threadsafe import ThreadSafeChalice
from chalicelib.v1 import v1
from chalicelib.v2 import v2

app = ThreadSafeChalice(app_name="todo-service")
app.register_middleware(request_log, "http")
app.register_blueprint(v1)
app.register_blueprint(v2)
app.register_blueprint(pages)
