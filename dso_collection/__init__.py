from . import demo, models
