"""Static site generator for a bilingual district yearbook (地方综合年鉴)."""
__version__ = "0.1.0"
