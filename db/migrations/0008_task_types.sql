CREATE TABLE "prelabels" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" integer NOT NULL,
	"item_id" bigint NOT NULL,
	"source" text NOT NULL,
	"model_version_id" bigint,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "annotations" ADD COLUMN "edit" jsonb;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "reference_answer" jsonb;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "frame_index" integer;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "frame_time" real;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "task_config" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "prelabels" ADD CONSTRAINT "prelabels_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prelabels" ADD CONSTRAINT "prelabels_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "prelabels_item" ON "prelabels" USING btree ("item_id","id");