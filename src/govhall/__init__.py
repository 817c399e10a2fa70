"""govhall — 一体化在线政务服务平台 (integrated online government-services platform)."""

__version__ = "0.1.0"
