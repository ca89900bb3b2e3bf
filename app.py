from chalicelib.platform import start_up

# Everything imported from here on lives as long as the container: the
# collector stays off on Lambda until the first request is answered (start_up.py).
start_up.pause_collector_on_lambda()

from chalicelib.http.chalice_app import TodoApp
from chalicelib.http.middleware import handle_request
from chalicelib.http.pages import pages
from chalicelib.http.v1 import v1
from chalicelib.http.v2 import v2
from chalicelib.http.v2_lists import v2_lists
from chalicelib.http.v2_users import v2_users

app = TodoApp(app_name="todo-service")
app.register_middleware(handle_request, "http")
app.register_blueprint(v1)
app.register_blueprint(v2)
app.register_blueprint(v2_lists)
app.register_blueprint(v2_users)
app.register_blueprint(pages)
