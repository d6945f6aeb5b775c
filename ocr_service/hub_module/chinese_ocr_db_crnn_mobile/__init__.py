"""`chinese_ocr_db_crnn_mobile` rebuilt on the PP-OCRv4 models: stages here, the PaddleHub face in module.py.

Nothing in this package imports ocr_service, so the folder works on its own when copied or linked into
`$HUB_HOME/modules/`. Importing the package does not import paddlehub; only module.py does.
"""
