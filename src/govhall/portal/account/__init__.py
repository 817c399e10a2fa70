"""The citizen's account pages: sign in, register, and "my account" (个人中心)."""
